#!/bin/bash
# Init container of the Gadgetron pod, run from the Gadgetron image (which has curl). Gadgetron
# checks the storage server once at start (50 tries 200 ms apart) and then exits, so a storage
# server that takes longer to come up (a new node, a disk being attached) would send Gadgetron
# into CrashLoopBackOff. This waits for the storage server's /healthcheck first.
#
# Progress goes to stderr (`kubectl logs POD -c wait-for-storage`); the outcome also goes to the
# termination message, which `kubectl describe pod` shows. Giving up exits 1: the pod then shows
# Init:Error / Init:CrashLoopBackOff, and the kubelet tries again.
#
# Environment:
#   STORAGE_URL               the storage server's base URL (required), e.g. http://NAME-storage:3333
#   STORAGE_WAIT_SECONDS      give up after this long (600)
#   STORAGE_POLL_SECONDS      pause between checks, fractions allowed (2)
#   STORAGE_REQUEST_SECONDS   timeout of one check (5)
#   STORAGE_LOG_SECONDS       repeat an unchanged "waiting" line at most this often (30)
#   STORAGE_TERMINATION_LOG   where the outcome is written (/dev/termination-log)

set -u

url=${STORAGE_URL:-}
limit=${STORAGE_WAIT_SECONDS:-600}
poll=${STORAGE_POLL_SECONDS:-2}
request=${STORAGE_REQUEST_SECONDS:-5}
log_every=${STORAGE_LOG_SECONDS:-30}
termination_log=${STORAGE_TERMINATION_LOG:-/dev/termination-log}

log() {
  local now
  TZ=UTC printf -v now '%(%Y-%m-%dT%H:%M:%SZ)T' -1
  printf '%s wait-for-storage: %s\n' "$now" "$*" >&2
}

# The termination message: the last word on this container, shown by kubectl describe pod.
outcome() {
  log "$*"
  { printf '%s\n' "$*" >"$termination_log"; } 2>/dev/null || true
}

[[ $url =~ ^https?://[^[:space:]]+$ ]] || {
  outcome "STORAGE_URL '$url' is not an http(s) URL"
  exit 1
}
url=${url%/}
[[ $limit =~ ^[0-9]+$ ]] || limit=600
[[ $poll =~ ^[0-9]*\.?[0-9]+$ ]] || poll=2
[[ $request =~ ^[0-9]*\.?[0-9]+$ ]] || request=5
[[ $log_every =~ ^[0-9]+$ ]] || log_every=30

# Milliseconds since the epoch (bash 5's EPOCHREALTIME; whole seconds on older shells).
now_ms() {
  local t=${EPOCHREALTIME:-}
  if [[ -n $t ]]; then
    t=${t//[!0-9]/}
    printf -v "$1" '%s' "$((10#$t / 1000))"
  else
    printf -v "$1" '%s' "$(($(printf '%(%s)T' -1) * 1000))"
  fi
}

now_ms start
last=''
last_log=-1
while :; do
  # -f: an HTTP error (503 while the database or blob store is unreachable) is a failure.
  if answer=$(curl --silent --show-error --fail --max-time "$request" \
    --output /dev/null "$url/healthcheck" 2>&1); then
    now_ms now
    outcome "storage server $url answered after $(((now - start) / 1000))s"
    exit 0
  fi
  now_ms now
  elapsed=$(((now - start) / 1000))
  # curl's message: the refused connection, the timeout or the HTTP status.
  answer=${answer//$'\n'/ }
  if ((now - start >= limit * 1000)); then
    outcome "storage server $url did not answer /healthcheck within ${limit}s (last: ${answer:-no answer}); Gadgetron would exit at start"
    exit 1
  fi
  if [[ $answer != "$last" ]] || ((last_log < 0 || elapsed - last_log >= log_every)); then
    log "waiting for $url/healthcheck: ${answer:-no answer} (${elapsed}s so far)"
    last=$answer
    last_log=$elapsed
  fi
  sleep "$poll"
done
