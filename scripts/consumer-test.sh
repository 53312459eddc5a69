#!/usr/bin/env bash
# The consumer test (`npm run test:consumer`, run by .ci/run): the package as a user gets it.
#   1. `npm pack` (prepack builds dist/ and the prebuilt binary into prebuilds/);
#   2. a fresh project installs the tarball with every compiler hidden from PATH, so any attempt to
#      build from source fails;
#   3. ESM import and CommonJS require of the installed package, the core ops against the reference
#      (test/consumer/check.cjs), types checked by tsc for both module systems, and
#      `npx spatial-geom demo` from the installed bin;
#   4. the same import-and-compare smoke under qemu-user as a Nehalem (SSE4.2) and a Haswell (AVX2)
#      CPU, where the binary must pick its baseline and AVX2 kernels.
# Prints one line per step and a summary; exits non-zero on the first failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/spatial-geom-consumer-XXXXXX")"
trap 'rm -rf "$work"' EXIT
step() { printf '[consumer] %s\n' "$*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# 1. Pack.
t=$(now)
tarball="$(cd "$repo" && npm pack --silent --pack-destination "$work" | tail -1)"
step "packed $tarball: $(du -h "$work/$tarball" | cut -f1) ($(tar -tzf "$work/$tarball" | wc -l) files; prebuilt: $(tar -tzf "$work/$tarball" | grep '^package/prebuilds/.*\.node$' | sed 's#^package/##' | tr '\n' ' ')) in $(elapsed "$t") s"

# 2. Install into a fresh project with the compilers hidden.
hidden="$work/no-compilers"
mkdir -p "$hidden"
for tool in cc c++ gcc g++ clang clang++ cmake make ninja nvcc ld; do
  printf '#!/bin/sh\necho "consumer test: %s is hidden (the install must not compile anything)" >&2\nexit 127\n' "$tool" >"$hidden/$tool"
  chmod +x "$hidden/$tool"
done
app="$work/app"
mkdir -p "$app"
cp "$repo"/test/consumer/{check.cjs,smoke.mjs,smoke.cjs,types.mts,types.cts} "$app/"
(cd "$app" && npm init -y >/dev/null)
t=$(now)
(cd "$app" && PATH="$hidden:$PATH" npm install --no-audit --no-fund --loglevel=error "$work/$tarball" >"$work/install.log" 2>&1) || {
  cat "$work/install.log"
  step "FAILED: npm install of the tarball without compilers"
  exit 1
}
install_s=$(elapsed "$t")
step "installed without compilers in $install_s s; node_modules $(du -sh "$app/node_modules" | cut -f1)"
if [ -d "$app/node_modules/@spatial/geom/build" ]; then
  step "FAILED: the install built from source (node_modules/@spatial/geom/build exists)"
  exit 1
fi

# 3. Use it.
cd "$app"
native_line="$(PATH="$hidden:$PATH" node smoke.mjs)"
step "$native_line"
step "$(PATH="$hidden:$PATH" node smoke.cjs)"
"$repo/node_modules/.bin/tsc" --noEmit --strict --skipLibCheck false --module nodenext --moduleResolution nodenext --target es2022 --types node \
  --typeRoots "$repo/node_modules/@types" types.mts types.cts
step "types: tsc --module nodenext accepts the ESM (types.mts) and CommonJS (types.cts) consumers"
t=$(now)
PATH="$hidden:$PATH" npx --no-install spatial-geom demo --out "$app/demo-out" >"$work/demo.log" 2>&1 || {
  cat "$work/demo.log"
  step "FAILED: npx spatial-geom demo"
  exit 1
}
test -s "$app/demo-out/qa_train.jsonl" || { step "FAILED: the demo wrote no qa_train.jsonl"; exit 1; }
step "npx spatial-geom demo: $(wc -l <"$app/demo-out/qa_train.jsonl") train samples in $(elapsed "$t") s"

# bullmq is an optional peer: not installed here, and only the queue commands need it.
test ! -e "$app/node_modules/bullmq" || { step "FAILED: bullmq was installed into a library user's project"; exit 1; }
if queue_msg="$(npx --no-install spatial-geom queue status --redis redis://127.0.0.1:1 2>&1)"; then
  step "FAILED: queue status without bullmq exited 0"; exit 1
fi
echo "$queue_msg" | grep -q 'needs the optional package bullmq' || { echo "$queue_msg"; step "FAILED: queue status without bullmq did not say what to install"; exit 1; }
step "queue commands without bullmq: '$(echo "$queue_msg" | tail -1)'"
# Help and the version come from the package alone (commander; the queue help does not load bullmq).
npx --no-install spatial-geom queue submit --help | grep -q -- '--attempts' || { step "FAILED: queue submit --help without bullmq"; exit 1; }
test "$(npx --no-install spatial-geom --version)" = "$(node -p "require('$repo/package.json').version")" || { step "FAILED: spatial-geom --version"; exit 1; }
step "spatial-geom --version and queue submit --help without bullmq"

# 4. Older CPUs, emulated.
summary="native: ${native_line#esm: }"
if command -v qemu-x86_64 >/dev/null && [ "$(uname -m)" = x86_64 ]; then
  for cpu in Nehalem:baseline Haswell:avx2; do
    expect="${cpu#*:}" cpu="${cpu%%:*}"
    t=$(now)
    # (qemu's own warnings about CPU features TCG cannot emulate go to a file, shown on failure)
    line="$(SPATIAL_GEOM_EXPECT_SIMD="$expect" qemu-x86_64 -cpu "$cpu" "$(command -v node)" smoke.mjs 2>"$work/qemu.err")" || {
      grep -v "TCG doesn't support" "$work/qemu.err"
      step "FAILED under qemu-x86_64 -cpu $cpu"
      exit 1
    }
    step "qemu -cpu $cpu: $line ($(elapsed "$t") s)"
    summary="$summary | $cpu: ${line#esm: }"
  done
else
  step "FAILED: qemu-x86_64 (Debian qemu-user) is needed for the older-CPU runs"
  exit 1
fi
step "passed: tarball $tarball, install ${install_s} s without compilers; $summary"
