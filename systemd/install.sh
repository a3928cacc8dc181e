#!/bin/sh
# Builds a release binary (release/build) and installs Trobador as a systemd service:
#
#   /usr/bin/trobador                        the binary
#   /usr/libexec/trobador/swift-backtrace    the Swift toolchain's crash reporter, for the binary
#   /usr/share/trobador/plugins/             the plugins that ship with it (plugins/)
#   /usr/lib/systemd/system/trobador.service the unit (override with `systemctl edit trobador`)
#   /usr/lib/sysusers.d/trobador.conf        user trobador, group trobador-post
#   /usr/lib/tmpfiles.d/trobador.conf        the spool, /var/spool/trobador
#   /etc/trobador/trobador.toml              the configuration (an edited one is never replaced)
#   /etc/trobador/plugins/, credentials/     local plugins; secrets for LoadCredential= (root only)
#
# Run as root from a checkout: `systemd/install.sh`. Environment:
#   TROBADOR_BINARY=PATH  install this binary instead of building one
#   TROBADOR_BACKTRACER=PATH  the crash reporter to install (default: the toolchain's
#                         swift-backtrace-static, found beside `swift`)
#   DESTDIR=DIR           lay the files out below DIR (for packaging); users, directories and
#                         systemd are then left alone
set -eu
cd "$(dirname "$0")/.."
dest="${DESTDIR:-}"

if [ -n "${TROBADOR_BINARY:-}" ]; then
    binary="$TROBADOR_BINARY"
else
    # The release binary as release/build makes it (Swift runtime linked in, laid out for a
    # small resident set; its comments say why).
    binary="$(release/build)"
fi

install -D -m 0755 "$binary" "$dest/usr/bin/trobador"
# The Swift runtime linked into the binary writes a crash report (a backtrace on stderr, kept
# by the journal) through this helper of the toolchain; the unit names it in SWIFT_BACKTRACE,
# since a static binary cannot find it beside a shared libswiftCore.
backtracer="${TROBADOR_BACKTRACER:-$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/libexec/swift/linux/swift-backtrace-static}"
install -D -m 0755 "$backtracer" "$dest/usr/libexec/trobador/swift-backtrace"
install -d -m 0755 "$dest/usr/share/trobador/plugins"
if [ -d plugins ]; then cp -R plugins/. "$dest/usr/share/trobador/plugins/"; fi
install -D -m 0644 systemd/trobador.service "$dest/usr/lib/systemd/system/trobador.service"
install -D -m 0644 systemd/trobador.sysusers "$dest/usr/lib/sysusers.d/trobador.conf"
install -D -m 0644 systemd/trobador.tmpfiles "$dest/usr/lib/tmpfiles.d/trobador.conf"
install -D -m 0644 README.md "$dest/usr/share/doc/trobador/README.md"
install -d -m 0755 "$dest/etc/trobador" "$dest/etc/trobador/plugins"
install -d -m 0700 "$dest/etc/trobador/credentials"
# Readable by all: it holds no secret (they go in credentials/), and the team runs
# `trobador status` and `trobador submit` with it.
if [ -e "$dest/etc/trobador/trobador.toml" ]; then
    install -m 0644 etc/trobador/trobador.toml "$dest/etc/trobador/trobador.toml.example"
    echo "kept /etc/trobador/trobador.toml; the current example is trobador.toml.example beside it"
else
    install -m 0644 etc/trobador/trobador.toml "$dest/etc/trobador/trobador.toml"
fi

if [ -n "$dest" ]; then exit 0; fi
systemd-sysusers trobador.conf
systemd-tmpfiles --create trobador.conf
systemctl daemon-reload
cat <<'NEXT'
Installed. Next:
  trobador check -c /etc/trobador/trobador.toml   # after editing it
  systemctl enable --now trobador
  usermod -aG trobador-post NAME                   # who may drop posts and read the status
  journalctl -u trobador -f
NEXT
