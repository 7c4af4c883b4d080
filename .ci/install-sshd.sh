#!/usr/bin/env bash
# Installs the OpenSSH server and client (Debian/Ubuntu) when /usr/sbin/sshd,
# ssh or ssh-keygen is missing. Safe to run repeatedly: once they exist it
# does nothing. Quiet unless something fails.
set -euo pipefail

if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; then
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  SUDO=(sudo)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { "${SUDO[@]}" apt-get update -qq &&
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends openssh-server openssh-client; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-sshd: installing openssh-server and openssh-client failed" >&2
  exit 1
fi

if [ ! -x /usr/sbin/sshd ]; then
  echo "install-sshd: /usr/sbin/sshd is still missing after installing openssh-server" >&2
  exit 1
fi
