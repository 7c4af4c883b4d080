#!/bin/sh
# Starts the Gadgetron jump server's sshd.
#
# The ConfigMap and Secret mounts are read-only and, in Kubernetes, are
# symlinks to files with mode 0644 inside world-writable directories. sshd
# refuses host keys that others can read, and with StrictModes it refuses an
# authorized_keys file below group- or world-writable directories. So the host
# keys and authorized_keys are copied to a root-owned runtime directory first;
# the rendered sshd_config refers to those copies (see src/ssh/layout.ts).
#
# Every path can be overridden through the environment, which is how the same
# script runs outside the container in tests.
set -eu

CONFIG="${JUMPSERVER_CONFIG:-/etc/jumpserver/config/sshd_config}"
AUTHORIZED_KEYS="${JUMPSERVER_AUTHORIZED_KEYS:-/etc/jumpserver/config/authorized_keys}"
HOST_KEYS_DIR="${JUMPSERVER_HOST_KEYS_DIR:-/etc/jumpserver/host-keys}"
RUNTIME_DIR="${JUMPSERVER_RUNTIME_DIR:-/run/jumpserver}"
SSHD="${JUMPSERVER_SSHD:-/usr/sbin/sshd}"

fail() {
  echo "jumpserver: $*" >&2
  exit 1
}

[ "$(id -u)" = 0 ] || fail "must run as root: sshd needs it to switch to the login user"
case "$SSHD" in
  /*) ;;
  *) fail "JUMPSERVER_SSHD must be an absolute path (sshd re-executes itself)" ;;
esac
[ -x "$SSHD" ] || fail "sshd not found at $SSHD"
[ -f "$CONFIG" ] || fail "sshd config not found at $CONFIG"
[ -f "$AUTHORIZED_KEYS" ] || fail "authorized keys not found at $AUTHORIZED_KEYS"
[ -d "$HOST_KEYS_DIR" ] || fail "host key directory not found at $HOST_KEYS_DIR"
grep -q '^[^#[:space:]]' "$AUTHORIZED_KEYS" || fail "$AUTHORIZED_KEYS holds no keys"

# sshd's privilege separation directory (compiled in; normally made by systemd).
# The image creates it, so a read-only root filesystem is fine.
if [ ! -d /run/sshd ]; then
  mkdir -p -m 0755 /run/sshd
fi

umask 077
mkdir -p "$RUNTIME_DIR"
chown root:root "$RUNTIME_DIR"
# The login user must be able to reach authorized_keys: sshd reads it with
# that user's identity.
chmod 0755 "$RUNTIME_DIR"

rm -rf "$RUNTIME_DIR/host-keys"
mkdir -m 0700 "$RUNTIME_DIR/host-keys"
copied=0
for key in "$HOST_KEYS_DIR"/ssh_host_*_key; do
  [ -f "$key" ] || continue
  name=$(basename "$key")
  # cat follows the Secret's symlinks and, with umask 077, creates mode 0600.
  cat "$key" >"$RUNTIME_DIR/host-keys/$name"
  chmod 0600 "$RUNTIME_DIR/host-keys/$name"
  copied=$((copied + 1))
done
[ "$copied" -gt 0 ] || fail "no ssh_host_*_key files in $HOST_KEYS_DIR"

cat "$AUTHORIZED_KEYS" >"$RUNTIME_DIR/authorized_keys.new"
chmod 0644 "$RUNTIME_DIR/authorized_keys.new"
mv -f "$RUNTIME_DIR/authorized_keys.new" "$RUNTIME_DIR/authorized_keys"

"$SSHD" -t -f "$CONFIG" || fail "sshd rejected $CONFIG"

echo "jumpserver: starting sshd with $copied host key(s)" >&2
exec "$SSHD" -D -e -f "$CONFIG"
