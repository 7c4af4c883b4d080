#!/usr/bin/env bash
# Installs the OpenSSH server and client when either is missing.
# Safe to run repeatedly: it does nothing once /usr/sbin/sshd, ssh and ssh-keygen exist.
set -euo pipefail

if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; then
  exit 0
fi

SUDO=''
if [ "$(id -u)" -ne 0 ]; then
  SUDO='sudo'
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends openssh-server openssh-client >/dev/null

# The package may generate host keys and try to start a daemon; neither is used here.
if [ ! -x /usr/sbin/sshd ]; then
  echo "install-sshd: /usr/sbin/sshd is still missing after installing openssh-server" >&2
  exit 1
fi
