#!/usr/bin/env bash
# Makes `npm test` work on a fresh machine: the integration tests need a real Dovecot (and tmux
# for the end-to-end tests). As root with apt-get we install them; otherwise we say how, and the
# tests that need them skip (outside CI) or fail (CI=true).
set -u
need=()
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd dovecot-pop3d)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v ps >/dev/null 2>&1 || need+=(procps)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -z "${TMAIL_NO_APT:-}" ]; then
  echo "tmail tests: installing ${need[*]} (set TMAIL_NO_APT=1 to skip)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq "${need[@]}" >&2 && exit 0
  echo "tmail tests: apt-get install failed" >&2
  exit 1
fi
echo "tmail tests: missing ${need[*]}: install them (e.g. sudo apt-get install ${need[*]})" >&2
echo "tmail tests: the tests that need them will be skipped (they fail under CI=true)" >&2
exit 0
