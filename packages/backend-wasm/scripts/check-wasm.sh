#!/bin/sh
# Rebuilds the wasm modules and fails if they differ from the committed ones
# (src/generated/*.wasm), or when csrc/kernel_args.h is not the one
# src/kernel-args.ts generates, or csrc/op_codes.h is not the one src/op-codes.ts
# and core's op tables generate (build @tensile/core first). Needs Debian clang 14 + lld, llvm-objdump, wabt.
set -eu
cd "$(dirname "$0")/.."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
node scripts/gen-kernel-args.mjs --check
node scripts/gen-op-codes.mjs --check
./scripts/build-wasm.sh "$TMP" >/dev/null
for v in single threads single-relaxed threads-relaxed; do
  if ! cmp -s "$TMP/$v.wasm" "src/generated/$v.wasm"; then
    echo "check:wasm: src/generated/$v.wasm is stale; run pnpm --filter @tensile/backend-wasm build:wasm" >&2
    exit 1
  fi
done
echo "check:wasm: committed modules match csrc/"
