#!/bin/sh
# Compiles csrc/*.c into four wasm modules, src/generated/*.wasm (committed,
# so building the package needs no clang; tsup copies them next to the bundle
# and the backend loads only the one it runs). Debian clang 14 rebuilds
# byte-identically; check-wasm.sh relies on it.
#   single: plain memory, for engines without SharedArrayBuffer
#   threads: shared memory + atomics, instantiated once per worker
#   single-relaxed, threads-relaxed: the same with relaxed SIMD (fused
#     multiply-add in the sgemm micro-kernel), for engines that have it
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-src/generated}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The tasks' argument structs (csrc/kernel_args.h) come from src/kernel-args.ts.
node scripts/gen-kernel-args.mjs
# The op-code enums and JS math imports (csrc/op_codes.h) come from src/op-codes.ts and core's op tables.
node scripts/gen-op-codes.mjs

CFLAGS="--target=wasm32 -O3 -msimd128 -mbulk-memory -mnontrapping-fptoint -mmutable-globals -mmultivalue \
  -ffreestanding -nostdlib -fwrapv -fno-builtin-memcpy -fno-builtin-memset -fno-unroll-loops -std=c11 -Wall -Wswitch-enum -Werror \
  -ffile-prefix-map=$PWD=."
# Exported are the kernels (EXPORT in the sources) and what JS needs to lay out memory.
LDFLAGS="-Wl,--no-entry -Wl,--import-memory -Wl,--export=__heap_base -Wl,--export=__stack_pointer \
  -Wl,--export-dynamic -Wl,--strip-debug -Wl,-z,stack-size=65536"
SRCS="csrc/libc.c csrc/gemm.c csrc/elementwise.c csrc/reduce.c csrc/scan_sort.c csrc/movement.c csrc/scatter.c csrc/conv.c csrc/tasks.c"

SHARED="-matomics -Wl,--shared-memory -Wl,--max-memory=4294967296"
RELAXED="-DTENSILE_RELAXED -mrelaxed-simd"

clang $CFLAGS -fvisibility=hidden $LDFLAGS -o "$TMP/single.wasm" $SRCS
clang $CFLAGS $SHARED -fvisibility=hidden $LDFLAGS -o "$TMP/threads.wasm" $SRCS
for v in single threads; do
  if [ $v = threads ]; then EXTRA=$SHARED; else EXTRA=; fi
  clang $CFLAGS $EXTRA $RELAXED -fvisibility=hidden $LDFLAGS -o "$TMP/$v-prestd.wasm" $SRCS
  # clang 14 emits the pre-standard fma opcode; rewrite it to f32x4.relaxed_madd.
  n=$(node scripts/patch-relaxed-fma.mjs "$TMP/$v-prestd.wasm" "$TMP/$v-relaxed.wasm")
  # Cross-check with an independent decoder (wabt) and both validators.
  m=$(wasm-objdump -d "$TMP/$v-relaxed.wasm" | grep -c 'f32x4.relaxed_madd$' || true)
  if [ "$n" != "$m" ]; then
    echo "build-wasm: $v-relaxed: patched $n fma instructions but wasm-objdump sees $m relaxed_madd" >&2
    exit 1
  fi
  wasm-validate --enable-threads --enable-relaxed-simd "$TMP/$v-relaxed.wasm"
  node --experimental-wasm-relaxed-simd -e \
    'if (!WebAssembly.validate(require("fs").readFileSync(process.argv[1]))) { console.error("build-wasm: V8 rejects " + process.argv[1]); process.exit(1); }' \
    "$TMP/$v-relaxed.wasm"
done

mkdir -p "$OUT"
for v in single threads single-relaxed threads-relaxed; do cp "$TMP/$v.wasm" "$OUT/$v.wasm"; chmod 644 "$OUT/$v.wasm"; done
ls -l "$OUT"/single.wasm "$OUT"/threads.wasm "$OUT"/*-relaxed.wasm | awk '{print $5, $9}'
