#!/bin/sh
# Rebuilds the wasm modules and fails if they differ from the committed ones
# (src/generated/*.wasm). Needs Debian clang 14 + lld, llvm-objdump, wabt.
set -eu
cd "$(dirname "$0")/.."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
./scripts/build-wasm.sh "$TMP" >/dev/null
for v in single threads single-relaxed threads-relaxed; do
  if ! cmp -s "$TMP/$v.wasm" "src/generated/$v.wasm"; then
    echo "check:wasm: src/generated/$v.wasm is stale; run pnpm --filter @tensile/backend-wasm build:wasm" >&2
    exit 1
  fi
done
echo "check:wasm: committed modules match csrc/"
