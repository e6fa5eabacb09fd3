/* Matrix products. float32 uses a packed, cache-blocked GEMM with a 4x8
 * register-tiled SIMD micro-kernel (GotoBLAS loop order: the kc x 8 panel of
 * B stays in L1 while the mc x kc block of A streams from L2). float64 and
 * int32 use plain loops that clang vectorises. */
#include "common.h"

#define MR 4
#define NR 8
#ifndef KC
#define KC 512
#endif
#ifndef MC
#define MC 64
#endif

/* a * b + c. The relaxed build (TENSILE_RELAXED, -mrelaxed-simd) fuses it:
 * clang 14 emits the pre-standard opcode, which scripts/patch-relaxed-fma.mjs
 * rewrites to f32x4.relaxed_madd(a, b, c) = a * b + c, operands in this order. */
#ifdef TENSILE_RELAXED
#define MADD(a, b, c) __builtin_wasm_fma_f32x4((a), (b), (c))
#else
#define MADD(a, b, c) wasm_f32x4_add((c), wasm_f32x4_mul((a), (b)))
#endif

/* Floats of workspace one thread needs for sgemm_rows with these sizes. */
EXPORT i32 sgemm_workspace(i32 n, i32 k) {
  i32 kc = k < KC ? k : KC;
  i32 npad = (n + NR - 1) / NR * NR;
  return kc * npad + MC * kc + 64;
}

/* C[4x8] (+)= Apanel[kc x 4] . Bpanel[kc x 8]; a partial tile goes through a
 * local buffer so the fast path never checks bounds. */
static void kernel_4x8(i32 kc, const f32 *restrict a, const f32 *restrict b, f32 *restrict c, i32 ldc,
                       i32 accumulate, i32 rows, i32 cols) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (i32 p = 0; p < kc; p++) {
    v128_t b0 = wasm_v128_load(b);
    v128_t b1 = wasm_v128_load(b + 4);
    v128_t a0 = wasm_v128_load32_splat(a);
    v128_t a1 = wasm_v128_load32_splat(a + 1);
    c00 = MADD(a0, b0, c00);
    c01 = MADD(a0, b1, c01);
    v128_t a2 = wasm_v128_load32_splat(a + 2);
    c10 = MADD(a1, b0, c10);
    c11 = MADD(a1, b1, c11);
    v128_t a3 = wasm_v128_load32_splat(a + 3);
    c20 = MADD(a2, b0, c20);
    c21 = MADD(a2, b1, c21);
    c30 = MADD(a3, b0, c30);
    c31 = MADD(a3, b1, c31);
    a += MR;
    b += NR;
  }
  if (rows == MR && cols == NR) {
    if (accumulate) {
      c00 = wasm_f32x4_add(c00, wasm_v128_load(c));
      c01 = wasm_f32x4_add(c01, wasm_v128_load(c + 4));
      c10 = wasm_f32x4_add(c10, wasm_v128_load(c + ldc));
      c11 = wasm_f32x4_add(c11, wasm_v128_load(c + ldc + 4));
      c20 = wasm_f32x4_add(c20, wasm_v128_load(c + 2 * ldc));
      c21 = wasm_f32x4_add(c21, wasm_v128_load(c + 2 * ldc + 4));
      c30 = wasm_f32x4_add(c30, wasm_v128_load(c + 3 * ldc));
      c31 = wasm_f32x4_add(c31, wasm_v128_load(c + 3 * ldc + 4));
    }
    wasm_v128_store(c, c00);
    wasm_v128_store(c + 4, c01);
    wasm_v128_store(c + ldc, c10);
    wasm_v128_store(c + ldc + 4, c11);
    wasm_v128_store(c + 2 * ldc, c20);
    wasm_v128_store(c + 2 * ldc + 4, c21);
    wasm_v128_store(c + 3 * ldc, c30);
    wasm_v128_store(c + 3 * ldc + 4, c31);
    return;
  }
  f32 tile[MR * NR];
  wasm_v128_store(tile, c00);
  wasm_v128_store(tile + 4, c01);
  wasm_v128_store(tile + 8, c10);
  wasm_v128_store(tile + 12, c11);
  wasm_v128_store(tile + 16, c20);
  wasm_v128_store(tile + 20, c21);
  wasm_v128_store(tile + 24, c30);
  wasm_v128_store(tile + 28, c31);
  for (i32 r = 0; r < rows; r++) {
    for (i32 j = 0; j < cols; j++) {
      f32 v = tile[r * NR + j];
      c[r * ldc + j] = accumulate ? c[r * ldc + j] + v : v;
    }
  }
}

/* Packs rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) into MR-row panels,
 * zero-padding the last panel. op(A)(i, p) = transA ? A[p*m + i] : A[i*k + p]. */
static void pack_a(const f32 *A, i32 m, i32 k, i32 transA, i32 i0, i32 mc, i32 p0, i32 kc, f32 *dst) {
  for (i32 ir = 0; ir < mc; ir += MR) {
    for (i32 r = 0; r < MR; r++) {
      i32 i = i0 + ir + r;
      f32 *d = dst + r;
      if (ir + r >= mc) {
        for (i32 p = 0; p < kc; p++) d[p * MR] = 0;
      } else if (transA) {
        const f32 *s = A + (size_t)p0 * m + i;
        for (i32 p = 0; p < kc; p++) d[p * MR] = s[(size_t)p * m];
      } else {
        const f32 *s = A + (size_t)i * k + p0;
        for (i32 p = 0; p < kc; p++) d[p * MR] = s[p];
      }
    }
    dst += MR * kc;
  }
}

/* Packs rows [p0, p0+kc) of op(B) (all n columns) into NR-column panels.
 * op(B)(p, j) = transB ? B[j*k + p] : B[p*n + j]. */
static void pack_b(const f32 *B, i32 n, i32 k, i32 transB, i32 p0, i32 kc, f32 *dst) {
  for (i32 j0 = 0; j0 < n; j0 += NR) {
    i32 cols = n - j0 < NR ? n - j0 : NR;
    if (!transB && cols == NR) {
      const f32 *s = B + (size_t)p0 * n + j0;
      for (i32 p = 0; p < kc; p++) {
        wasm_v128_store(dst + p * NR, wasm_v128_load(s));
        wasm_v128_store(dst + p * NR + 4, wasm_v128_load(s + 4));
        s += n;
      }
    } else {
      for (i32 j = 0; j < NR; j++) {
        f32 *d = dst + j;
        if (j >= cols) {
          for (i32 p = 0; p < kc; p++) d[p * NR] = 0;
        } else if (transB) {
          const f32 *s = B + (size_t)(j0 + j) * k + p0;
          for (i32 p = 0; p < kc; p++) d[p * NR] = s[p];
        } else {
          const f32 *s = B + (size_t)p0 * n + j0 + j;
          for (i32 p = 0; p < kc; p++) d[p * NR] = s[(size_t)p * n];
        }
      }
    }
    dst += NR * kc;
  }
}

/* Rows [r0, r1) of C[m x n] = op(A) . op(B), added to C when accumulate.
 * ws holds sgemm_workspace(n, k) floats private to the calling thread. */
EXPORT void sgemm_rows(const f32 *A, const f32 *B, f32 *C, i32 m, i32 n, i32 k, i32 transA, i32 transB, i32 r0,
                       i32 r1, i32 accumulate, f32 *ws) {
  if (k == 0) {
    if (!accumulate) memset(C + (size_t)r0 * n, 0, (size_t)(r1 - r0) * n * sizeof(f32));
    return;
  }
  /* Align the packed buffers to 16 bytes for v128 loads. */
  f32 *packB = (f32 *)(((uintptr_t)ws + 15) & ~(uintptr_t)15);
  i32 kcMax = k < KC ? k : KC;
  i32 npad = (n + NR - 1) / NR * NR;
  f32 *packA = packB + (size_t)kcMax * npad;
  for (i32 pc = 0; pc < k; pc += KC) {
    i32 kc = k - pc < KC ? k - pc : KC;
    i32 acc = accumulate || pc > 0;
    pack_b(B, n, k, transB, pc, kc, packB);
    for (i32 ic = r0; ic < r1; ic += MC) {
      i32 mc = r1 - ic < MC ? r1 - ic : MC;
      pack_a(A, m, k, transA, ic, mc, pc, kc, packA);
      for (i32 jr = 0; jr < n; jr += NR) {
        i32 cols = n - jr < NR ? n - jr : NR;
        const f32 *bp = packB + (size_t)jr * kc;
        for (i32 ir = 0; ir < mc; ir += MR) {
          i32 rows = mc - ir < MR ? mc - ir : MR;
          kernel_4x8(kc, packA + (size_t)ir * kc, bp, C + (size_t)(ic + ir) * n + jr, n, acc, rows, cols);
        }
      }
    }
  }
}

/* Plain loops for float64 and int32: i-p-j order so the inner loop is a
 * contiguous axpy that clang vectorises. */
#define GEMM_SIMPLE(NAME, T)                                                                                    \
  EXPORT void NAME(const T *A, const T *B, T *C, i32 m, i32 n, i32 k, i32 transA, i32 transB, i32 r0, i32 r1,   \
                   i32 accumulate) {                                                                            \
    for (i32 i = r0; i < r1; i++) {                                                                             \
      T *c = C + (size_t)i * n;                                                                                 \
      if (!accumulate)                                                                                          \
        for (i32 j = 0; j < n; j++) c[j] = 0;                                                                   \
      for (i32 p = 0; p < k; p++) {                                                                             \
        T a = transA ? A[(size_t)p * m + i] : A[(size_t)i * k + p];                                             \
        if (transB) {                                                                                           \
          for (i32 j = 0; j < n; j++) c[j] += a * B[(size_t)j * k + p];                                         \
        } else {                                                                                                \
          const T *b = B + (size_t)p * n;                                                                       \
          for (i32 j = 0; j < n; j++) c[j] += a * b[j];                                                         \
        }                                                                                                       \
      }                                                                                                         \
    }                                                                                                           \
  }

GEMM_SIMPLE(dgemm_rows, f64)
GEMM_SIMPLE(igemm_rows, i32)

/* Bias (length n, broadcast over rows) and optional ReLU on rows [r0, r1). */
#define EPILOGUE(NAME, T)                                                                \
  EXPORT void NAME(T *C, const T *bias, i32 n, i32 r0, i32 r1, i32 relu) {               \
    for (i32 i = r0; i < r1; i++) {                                                      \
      T *c = C + (size_t)i * n;                                                          \
      if (bias)                                                                          \
        for (i32 j = 0; j < n; j++) c[j] += bias[j];                                     \
      if (relu)                                                                          \
        for (i32 j = 0; j < n; j++) c[j] = c[j] > 0 ? c[j] : (c[j] != c[j] ? c[j] : 0); \
    }                                                                                    \
  }

EPILOGUE(epilogue_f32, f32)
EPILOGUE(epilogue_f64, f64)
EPILOGUE(epilogue_i32, i32)
