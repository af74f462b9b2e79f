#!/usr/bin/env bash
# Builds QuickJS 2021-03-27 (the engine device images carry) from the npm package `qjsc`, plus our test
# runner (test/engine-2021/run-scripts.c), so CI can prove the bundle runs on the device's engine.
#   usage: build/quickjs-2021.sh [OUT_DIR]        (default build/out/quickjs-2021)
#   env:   CC (default gcc), EXTRA_CFLAGS
# Lean library (no REPL, no quickjs-libc, no LTO), BigInt on. The library (~25 s) is rebuilt only when a
# source is newer than it or the flags changed; the runner whenever its C source or the library changed.
# The QuickJS sources stay in node_modules: nothing of them is copied into the repository.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC=$ROOT/node_modules/qjsc/deps/quickjs_2021_03_27
OUT=${1:-$ROOT/build/out/quickjs-2021}
RUNNER_SRC=$ROOT/test/engine-2021/run-scripts.c
CC=${CC:-gcc}
AR=${AR:-ar}

if [ ! -f "$SRC/quickjs.c" ]; then
  echo "quickjs-2021: $SRC is missing; run 'npm ci --ignore-scripts' (devDependency qjsc)" >&2
  exit 1
fi
VER=$(cat "$SRC/VERSION")
FILES="quickjs libregexp libunicode cutils libbf"
CFLAGS="-O2 -g0 -fwrapv -D_GNU_SOURCE -DCONFIG_VERSION=\"$VER\" -DCONFIG_BIGNUM ${EXTRA_CFLAGS:-}"
LIB_CFLAGS="$CFLAGS -Wall -Wno-array-bounds -Wno-format-truncation"
mkdir -p "$OUT/obj"
LIB=$OUT/libquickjs.a
STAMP=$OUT/flags.txt

# Two test processes (or engineers) may run this at once: serialise on a lock in OUT_DIR.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$OUT/.lock"
  flock 9
fi

t0=$(date +%s)
stale=0
RECIPE="$CC $LIB_CFLAGS | $FILES"
if [ ! -f "$LIB" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$RECIPE" ]; then
  stale=1
elif [ -n "$(find "$SRC" -maxdepth 1 \( -name '*.c' -o -name '*.h' -o -name VERSION \) -newer "$LIB" -print -quit)" ]; then
  stale=1
fi

if [ "$stale" = 1 ]; then
  echo "quickjs-2021: building libquickjs.a ($VER) in $OUT" >&2
  pids=()
  for f in $FILES; do
    $CC $LIB_CFLAGS -c "$SRC/$f.c" -o "$OUT/obj/$f.o.tmp" &
    pids+=($!)
  done
  failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  if [ "$failed" = 1 ]; then
    echo "quickjs-2021: compiling QuickJS failed" >&2
    exit 1
  fi
  for f in $FILES; do mv -f "$OUT/obj/$f.o.tmp" "$OUT/obj/$f.o"; done
  rm -f "$LIB.tmp"
  $AR rcs "$LIB.tmp" $(for f in $FILES; do echo "$OUT/obj/$f.o"; done)
  mv -f "$LIB.tmp" "$LIB"
  echo "$RECIPE" >"$STAMP"
fi

RUNNER=$OUT/run-scripts
if [ "$stale" = 1 ] || [ ! -x "$RUNNER" ] || [ "$RUNNER_SRC" -nt "$RUNNER" ] || [ "$LIB" -nt "$RUNNER" ]; then
  # Our own code gets the stricter warnings; QuickJS's header is included as a system header.
  $CC $CFLAGS -Wall -Wextra -Wno-unused-parameter -isystem "$SRC" -o "$RUNNER.tmp" "$RUNNER_SRC" "$LIB" -lm -lpthread
  mv -f "$RUNNER.tmp" "$RUNNER"
  echo "quickjs-2021: built $RUNNER" >&2
fi
echo "quickjs-2021: ready in $(( $(date +%s) - t0 )) s: $RUNNER" >&2
