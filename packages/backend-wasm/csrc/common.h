/* Shared definitions for the Tensile wasm kernels.
 * Built freestanding (no libc): every pointer is an offset into the one
 * WebAssembly.Memory that JS owns; JS allocates all buffers and workspaces. */
#pragma once
#include <stdint.h>
#include <stddef.h>
#include <wasm_simd128.h>

#define EXPORT __attribute__((visibility("default")))
#define INLINE static inline __attribute__((always_inline))

typedef float f32;
typedef double f64;
typedef int32_t i32;
typedef uint8_t u8;

/* dtype codes shared with JS (src/dtypes.ts). Switches take the enum type,
 * so -Wswitch-enum makes each one name every code; each has a default for
 * codes outside the enum. */
typedef enum { DT_F32 = 0, DT_F64 = 1, DT_I32 = 2, DT_BOOL = 3 } DType;

/* Status every kernel returns to JS (src/backend.ts KERNEL_STATUS turns a
 * nonzero one into a BackendError naming the kernel and the codes). */
enum { K_OK = 0, K_UNSUPPORTED = 1, K_BAD_OP = 2, K_BAD_DTYPE = 3 };

/* Op codes and the math imported from JS (Math.*, for float64 accuracy and
 * rare float32 ops; hot float32 ops use SIMD), generated from src/op-codes.ts. */
#include "op_codes.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
