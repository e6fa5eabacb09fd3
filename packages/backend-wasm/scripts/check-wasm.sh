#!/bin/sh
# Rebuilds the wasm modules and fails if they differ from the committed ones
# (src/generated/wasm-modules.ts). Needs Debian clang 14 + lld, llvm-objdump, wabt.
set -eu
cd "$(dirname "$0")/.."
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
./scripts/build-wasm.sh "$TMP" >/dev/null
if ! cmp -s "$TMP" src/generated/wasm-modules.ts; then
  echo "check:wasm: src/generated/wasm-modules.ts is stale; run pnpm --filter @tensile/backend-wasm build:wasm" >&2
  exit 1
fi
echo "check:wasm: committed modules match csrc/"
