#!/usr/bin/env bash
# Installs the OpenSSH server and client and ssh-audit (Debian/Ubuntu) when
# /usr/sbin/sshd, ssh, ssh-keygen or /usr/bin/ssh-audit is missing. Safe to run
# repeatedly: once they exist it does nothing. Quiet unless something fails.
set -euo pipefail

if [ -x /usr/sbin/sshd ] && [ -x /usr/bin/ssh-audit ] &&
  command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; then
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
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends openssh-server openssh-client ssh-audit; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-sshd: installing openssh-server, openssh-client and ssh-audit failed" >&2
  exit 1
fi

for tool in /usr/sbin/sshd /usr/bin/ssh-audit; do
  if [ ! -x "$tool" ]; then
    echo "install-sshd: $tool is still missing after installing the packages" >&2
    exit 1
  fi
done
