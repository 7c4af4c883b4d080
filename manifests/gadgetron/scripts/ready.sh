#!/bin/bash
# Readiness check of the Gadgetron container: ready once a socket LISTENs on Gadgetron's port.
# It reads the kernel's socket tables and opens no connection: Gadgetron forks a child and logs
# a connection for every one it accepts, so a TCP probe would do that every period. (Gadgetron
# listens only after its storage server answered, as a TCP probe would have seen.)
#
# Environment (optional):
#   READY_PORT          the port (9002)
#   READY_PROC_NET_DIR  directory holding the tcp and tcp6 tables (/proc/net)

set -u

port=${READY_PORT:-9002}
proc_dir=${READY_PROC_NET_DIR:-/proc/net}

[[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || {
  echo "ready: invalid READY_PORT '$port'" >&2
  exit 2
}
# The tables print ports as four upper-case hex digits (9002 is 232A); 0A is LISTEN.
printf -v port_hex '%04X' "$port"

for table in "$proc_dir/tcp" "$proc_dir/tcp6"; do
  [[ -r $table ]] || continue
  while read -r _sl local_addr _remote state _rest; do
    if [[ $state == 0A && ${local_addr##*:} == "$port_hex" ]]; then
      exit 0
    fi
  done <"$table"
done
echo "ready: nothing listens on port $port" >&2
exit 1
