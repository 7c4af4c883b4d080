#!/bin/bash
# preStop hook of the Gadgetron container. Gadgetron cannot stop accepting work and dies on
# SIGTERM, so this waits until no connection to its port is open any more (clients, and
# coordinators that use this pod as a remote worker); Kubernetes sends SIGTERM only after
# the hook returns. The pod's terminationGracePeriodSeconds bounds the wait.
#
# Connections are read from the kernel's socket tables, which need no extra tools and see
# every socket in the pod's network namespace.
#
# Where it reports: the kubelet discards a hook's output (it shows it only in the event of a
# failed hook), and the container's own stderr (/proc/1/fd/2) belongs to root with mode 0600,
# out of reach of UID 1000. So the state of the drain is kept in the container's termination
# message, which `kubectl describe pod` shows once the container has stopped (the kubelet
# creates /dev/termination-log with mode 0666, so UID 1000 may write it): "draining for
# N s, K connection(s) open" while it waits (what the message says if the grace period runs
# out), "drained after N s, K connection(s)" when it is done. Progress lines go to stderr for
# whoever runs the script by hand.
#
# Environment (all optional):
#   DRAIN_PORT             local port to watch (9002)
#   DRAIN_PROC_NET_DIR     directory holding the tcp and tcp6 tables (/proc/net)
#   DRAIN_POLL_SECONDS     pause between checks, fractions allowed (2)
#   DRAIN_LOG_SECONDS      repeat an unchanged "waiting" line at most this often (30)
#   DRAIN_SETTLE_SECONDS   minimum time before returning (60). A terminating pod leaves the
#                          worker Service's DNS answer only after its endpoints have been
#                          updated and the answer's TTL (30 s with CoreDNS) has run out, and
#                          coordinators resolve their workers once per stream but connect
#                          later: connections that arrive in that time must be served
#   DRAIN_TERMINATION_LOG  where the outcome is written (/dev/termination-log)

set -u

port=${DRAIN_PORT:-9002}
proc_dir=${DRAIN_PROC_NET_DIR:-/proc/net}
poll=${DRAIN_POLL_SECONDS:-2}
log_every=${DRAIN_LOG_SECONDS:-30}
settle=${DRAIN_SETTLE_SECONDS:-60}
termination_log=${DRAIN_TERMINATION_LOG:-/dev/termination-log}

log() {
  local now
  TZ=UTC printf -v now '%(%Y-%m-%dT%H:%M:%SZ)T' -1
  printf '%s drain: %s\n' "$now" "$*" >&2
}

[[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || {
  log "invalid DRAIN_PORT '$port'"
  exit 1
}
[[ $poll =~ ^[0-9]*\.?[0-9]+$ ]] || poll=2
[[ $log_every =~ ^[0-9]+$ ]] || log_every=30
[[ $settle =~ ^[0-9]+$ ]] || settle=60

# Replaces the termination message (the kubelet reads the file once the container stops).
report() {
  { printf '%s\n' "$*" >"$termination_log"; } 2>/dev/null || true
}

# The tables print ports as four upper-case hex digits: 9002 is 232A.
printf -v port_hex '%04X' "$port"

# "0100007F" (little-endian) -> 127.0.0.1
ipv4_from_hex() {
  local h=$1
  printf '%d.%d.%d.%d' "0x${h:6:2}" "0x${h:4:2}" "0x${h:2:2}" "0x${h:0:2}"
}

# tcp6 prints the address as four 32-bit words, each little-endian.
ipv6_from_hex() {
  local h=$1 net='' i w groups=()
  for i in 0 8 16 24; do
    w=${h:i:8}
    net+=${w:6:2}${w:4:2}${w:2:2}${w:0:2}
  done
  if [[ ${net:0:24} == 00000000000000000000FFFF ]]; then
    # IPv4 client of a dual-stack listener
    printf '%d.%d.%d.%d' "0x${net:24:2}" "0x${net:26:2}" "0x${net:28:2}" "0x${net:30:2}"
    return
  fi
  for i in 0 4 8 12 16 20 24 28; do
    groups+=("$(printf '%x' "0x${net:i:4}")")
  done
  local IFS=:
  printf '[%s]' "${groups[*]}"
}

# "ADDR:PORT" in table form -> printable peer
peer_from_hex() {
  local addr=${1%:*} p=${1##*:}
  if ((${#addr} == 8)); then
    ipv4_from_hex "$addr"
  else
    ipv6_from_hex "$addr"
  fi
  printf ':%d\n' "0x$p"
}

# Prints the peer of every ESTABLISHED (state 01) connection whose local port is ours.
# Listening sockets (0A) and closing ones (TIME_WAIT, CLOSE_WAIT, ...) hold no work.
list_peers() {
  local table _sl local_addr remote_addr state _rest
  for table in "$proc_dir/tcp" "$proc_dir/tcp6"; do
    [[ -r $table ]] || continue
    while read -r _sl local_addr remote_addr state _rest; do
      [[ $state == 01 ]] || continue
      [[ ${local_addr##*:} == "$port_hex" ]] || continue
      peer_from_hex "$remote_addr"
    done <"$table"
  done
}

# Microseconds since the epoch in variable $1 (bash 5; whole seconds on older shells).
now_us() {
  local t=${EPOCHREALTIME:-}
  if [[ -n $t ]]; then
    printf -v "$1" '%s' "${t//[!0-9]/}"
  else
    printf -v "$1" '%s' "$(($(printf '%(%s)T' -1) * 1000000))"
  fi
}

now_us start
last_summary=''
last_log=0
last_report=''
# Every connection seen during the drain, by peer address and port.
declare -A seen=()
report "draining for 0 s, 0 connection(s) open"

while :; do
  now_us now
  elapsed=$(((now - start) / 1000000))

  # Without any table nothing can be observed: do not hold the pod up for nothing.
  if [[ ! -r $proc_dir/tcp && ! -r $proc_dir/tcp6 ]]; then
    log "cannot read $proc_dir/tcp or $proc_dir/tcp6; not waiting"
    report "not drained: cannot read $proc_dir/tcp or $proc_dir/tcp6"
    exit 0
  fi
  mapfile -t peers < <(list_peers)
  for peer in "${peers[@]}"; do seen[$peer]=1; done

  count=${#peers[@]}
  if ((count == 0)); then
    if ((now - start >= settle * 1000000)); then
      log "no connection on port $port; done after ${elapsed}s"
      report "drained after ${elapsed} s, ${#seen[@]} connection(s)"
      exit 0
    fi
  else
    summary="waiting for $count connection(s) on port $port from ${peers[*]:0:10}"
    ((count > 10)) && summary+=" and $((count - 10)) more"
    if [[ $summary != "$last_summary" ]] || ((now - last_log >= log_every * 1000000)); then
      log "$summary (${elapsed}s so far)"
      last_summary=$summary
      last_log=$now
    fi
  fi
  # Rewritten when the count changes and every 10 s, so it is current when the grace period ends.
  status="draining for $((elapsed / 10 * 10)) s, $count connection(s) open"
  if [[ $status != "$last_report" ]]; then
    report "$status"
    last_report=$status
  fi
  sleep "$poll"
done
