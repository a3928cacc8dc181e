#!/bin/sh
# Stops Trobador and removes what systemd/install.sh laid out. The configuration, the
# credentials, the spool (posts, archive, rejected), the state and the logs stay, as do the
# user and the group: a later install takes up where this one left off.
#
#   systemd/uninstall.sh           remove the program and the service
#   systemd/uninstall.sh --purge   also delete /etc/trobador, /var/spool/trobador,
#                                  /var/lib/trobador, /var/log/trobador, the user and the group
#
# DESTDIR=DIR removes the files below DIR only (the counterpart of install.sh's).
set -eu
dest="${DESTDIR:-}"
purge=no
case "${1:-}" in
    --purge) purge=yes ;;
    "") ;;
    *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
esac

if [ -z "$dest" ] && [ -d /run/systemd/system ]; then
    systemctl disable --now trobador.service || true
fi
rm -f "$dest/usr/bin/trobador" \
    "$dest/usr/lib/systemd/system/trobador.service" \
    "$dest/usr/lib/sysusers.d/trobador.conf" \
    "$dest/usr/lib/tmpfiles.d/trobador.conf"
rm -rf "$dest/usr/share/trobador" "$dest/usr/share/doc/trobador" "$dest/usr/libexec/trobador"

if [ "$purge" = yes ]; then
    rm -rf "$dest/etc/trobador" "$dest/var/spool/trobador" "$dest/var/lib/trobador" "$dest/var/log/trobador"
    if [ -z "$dest" ]; then
        userdel trobador 2>/dev/null || true
        groupdel trobador-post 2>/dev/null || true
    fi
fi
if [ -z "$dest" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
