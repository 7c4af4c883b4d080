#!/bin/bash
# Remote worker discovery for Gadgetron (GADGETRON_REMOTE_WORKER_COMMAND). Gadgetron runs
# this for every distributed reconstruction and reads stdout as a JSON list of workers,
# e.g. ["10.1.2.3:9002","10.1.2.4:9002"]. The workers are the ready Gadgetron pods, from
# the DNS answer of the headless worker Service. On any failure the answer is [] and
# Gadgetron reconstructs locally; diagnostics go to stderr, which Gadgetron discards.
#
# This pod's own address comes first: the coordinating pod takes its share of the work like
# every other pod (its CPUs would otherwise idle while the autoscaler watches CPU), and it
# is the one worker sure to be there when Gadgetron connects, which it does lazily, per
# repetition, possibly minutes after this list was made. With one replica the list is just
# this pod, which amounts to a local reconstruction. The other pods follow in random order:
# every coordinator's round-robin would otherwise start at the same lowest address.
#
# Only IPv4 addresses are listed: on a dual-stack Service each pod would otherwise appear
# twice and receive a double share.
#
# Environment:
#   GADGETRON_WORKER_SERVICE  DNS name of the headless Service (required)
#   GADGETRON_POD_IP          this pod's IPv4 address (from the downward API); listed first
#   GADGETRON_WORKER_PORT     Gadgetron's port on the workers (9002)
#   REMOTE_WORKERS_GETENT     resolver to run instead of getent
#   REMOTE_WORKERS_TIMEOUT    seconds to wait for DNS (5)

set -u

give_up() {
  printf 'remote-workers: %s\n' "$*" >&2
  printf '[]\n'
  exit 0
}

service=${GADGETRON_WORKER_SERVICE:-}
port=${GADGETRON_WORKER_PORT:-9002}
resolver=${REMOTE_WORKERS_GETENT:-getent}
wait_seconds=${REMOTE_WORKERS_TIMEOUT:-5}

[[ -n $service ]] || give_up 'GADGETRON_WORKER_SERVICE is not set'
[[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || give_up "invalid port '$port'"
[[ $wait_seconds =~ ^[0-9]+$ ]] || wait_seconds=5

# ahostsv4 prints "ADDRESS STREAM|DGRAM|RAW [NAME]" lines, each address several times.
answer=$(timeout "$wait_seconds" "$resolver" ahostsv4 "$service") ||
  give_up "cannot resolve '$service'"

octet='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
addresses=()
while read -r address _; do
  [[ $address =~ ^$octet\.$octet\.$octet\.$octet$ ]] && addresses+=("$address")
done <<<"$answer"
((${#addresses[@]} > 0)) || give_up "no IPv4 address for '$service'"

self=${GADGETRON_POD_IP:-}
[[ $self =~ ^$octet\.$octet\.$octet\.$octet$ ]] || self=''

# Each address once, this pod's left out (it goes first).
declare -A listed=()
others=()
for address in "${addresses[@]}"; do
  [[ -n ${listed[$address]:-} || $address == "$self" ]] && continue
  listed[$address]=1
  others+=("$address")
done

# Fisher-Yates shuffle; SRANDOM (bash 5.1) is seeded from the kernel, RANDOM elsewhere.
for ((i = ${#others[@]} - 1; i > 0; i--)); do
  j=$(((${SRANDOM:-$RANDOM}) % (i + 1)))
  swap=${others[i]}
  others[i]=${others[j]}
  others[j]=$swap
done

json=''
for address in ${self:+"$self"} "${others[@]}"; do
  json+="${json:+,}\"$address:$port\""
done
printf '[%s]\n' "$json"
