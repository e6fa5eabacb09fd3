/* Thread entry points. Every task has the signature (args, tid, nthreads)
 * and returns a K_ status: JS writes args into memory once, runs tid 0 on the
 * calling thread and tids 1.. on workers, and each task picks its own share
 * of the work — always a disjoint part of the output, so no element is
 * written by two threads. */
#include "common.h"
#include "gemm.h"
#include "kernel_args.h"
#include "vmath.h"

INLINE void split(i32 total, i32 tid, i32 nt, i32 *lo, i32 *hi) {
  *lo = (i32)((int64_t)total * tid / nt);
  *hi = (i32)((int64_t)total * (tid + 1) / nt);
}

static const i32 ELSIZE[4] = {4, 8, 4, 1};

void epilogue_f32(f32 *C, const f32 *bias, i32 n, i32 r0, i32 r1, i32 relu);
void epilogue_f64(f64 *C, const f64 *bias, i32 n, i32 r0, i32 r1, i32 relu);
void epilogue_i32(i32 *C, const i32 *bias, i32 n, i32 r0, i32 r1, i32 relu);

/* Splits the batch when it has at least one entry per thread, else rows
 * (in multiples of 4, the micro-kernel height). */
EXPORT i32 task_matmul(const MatmulArgs *args, i32 tid, i32 nt) {
  i32 dtype = args->dtype, batch = args->batch, m = args->m, n = args->n, k = args->k;
  if ((uint32_t)dtype > DT_I32) return dtype == DT_BOOL ? K_UNSUPPORTED : K_BAD_DTYPE;
  i32 es = ELSIZE[dtype];
  void *ws = (char *)args->ws + (size_t)tid * args->wsStride;
  i32 b0 = 0, b1 = batch, r0 = 0, r1 = m;
  if (batch >= nt) {
    split(batch, tid, nt, &b0, &b1);
  } else {
    i32 blocks = (m + 3) / 4;
    split(blocks, tid, nt, &r0, &r1);
    r0 *= 4;
    r1 = r1 * 4 < m ? r1 * 4 : m;
  }
  if (r0 >= r1) return K_OK;
  for (i32 bi = b0; bi < b1; bi++) {
    const char *A = (const char *)args->a + (args->aBatched ? (size_t)bi * m * k * es : 0);
    const char *B = (const char *)args->b + (args->bBatched ? (size_t)bi * k * n * es : 0);
    char *C = (char *)args->out + (size_t)bi * m * n * es;
    gemm_rows(dtype, A, B, C, m, n, k, args->transA, args->transB, r0, r1, 0, ws);
    if (args->bias || args->relu) {
      if (dtype == DT_F32) epilogue_f32((f32 *)C, args->bias, n, r0, r1, args->relu);
      else if (dtype == DT_F64) epilogue_f64((f64 *)C, args->bias, n, r0, r1, args->relu);
      else epilogue_i32((i32 *)C, args->bias, n, r0, r1, args->relu);
    }
  }
  return K_OK;
}

/* Softmax / log-softmax of one float32 row, numerically stable: log-softmax
 * is (x - max) - log(sum), never x - (log(sum) + max), which rounds the
 * shift into max's large magnitude and loses the small result's bits. */
static void softmax_row_f32(const f32 *x, f32 *o, i32 n, i32 logv) {
  f32 mx = -__builtin_inff();
  for (i32 i = 0; i < n; i++) mx = (x[i] != x[i] || x[i] > mx) ? x[i] : mx;
  if (mx != mx) {
    for (i32 i = 0; i < n; i++) o[i] = mx;
    return;
  }
  /* A row of all -inf (or +inf max) has no finite shift: fall back to 0. */
  if (mx == -__builtin_inff() || mx == __builtin_inff()) mx = mx == __builtin_inff() ? mx : 0;
  v128_t vm = wasm_f32x4_splat(mx);
  v128_t acc = wasm_f32x4_splat(0);
  i32 i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t e = v_exp(wasm_f32x4_sub(wasm_v128_load(x + i), vm));
    if (!logv) wasm_v128_store(o + i, e);
    acc = wasm_f32x4_add(acc, e);
  }
  f32 sum = (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) +
            (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
  if (i < n) {
    f32 t[4] = {-__builtin_inff(), -__builtin_inff(), -__builtin_inff(), -__builtin_inff()};
    for (i32 j = 0; i + j < n; j++) t[j] = x[i + j];
    wasm_v128_store(t, v_exp(wasm_f32x4_sub(wasm_v128_load(t), vm)));
    for (i32 j = 0; i + j < n; j++) {
      if (!logv) o[i + j] = t[j];
      sum += t[j];
    }
  }
  if (logv) {
    f32 ls = wasm_f32x4_extract_lane(v_log(wasm_f32x4_splat(sum)), 0);
    for (i32 j = 0; j < n; j++) o[j] = (x[j] - mx) - ls;
  } else {
    f32 inv = 1.0f / sum;
    for (i32 j = 0; j < n; j++) o[j] *= inv;
  }
}

static void softmax_row_f64(const f64 *x, f64 *o, i32 n, i32 logv) {
  f64 mx = -__builtin_inf();
  for (i32 i = 0; i < n; i++) mx = (x[i] != x[i] || x[i] > mx) ? x[i] : mx;
  if (mx != mx) {
    for (i32 i = 0; i < n; i++) o[i] = mx;
    return;
  }
  if (mx == -__builtin_inf() || mx == __builtin_inf()) mx = mx == __builtin_inf() ? mx : 0;
  f64 sum = 0;
  for (i32 i = 0; i < n; i++) {
    f64 e = js_exp(x[i] - mx);
    if (!logv) o[i] = e;
    sum += e;
  }
  if (logv) {
    f64 ls = js_log(sum);
    for (i32 j = 0; j < n; j++) o[j] = (x[j] - mx) - ls;
  } else {
    for (i32 j = 0; j < n; j++) o[j] /= sum;
  }
}

EXPORT i32 task_softmax(const SoftmaxArgs *args, i32 tid, i32 nt) {
  i32 dtype = args->dtype, rows = args->rows, cols = args->cols, logv = args->log;
  if (dtype != DT_F32 && dtype != DT_F64) return (uint32_t)dtype <= DT_BOOL ? K_UNSUPPORTED : K_BAD_DTYPE;
  i32 r0, r1;
  split(rows, tid, nt, &r0, &r1);
  for (i32 r = r0; r < r1; r++) {
    if (dtype == DT_F32)
      softmax_row_f32((const f32 *)args->x + (size_t)r * cols, (f32 *)args->out + (size_t)r * cols, cols, logv);
    else
      softmax_row_f64((const f64 *)args->x + (size_t)r * cols, (f64 *)args->out + (size_t)r * cols, cols, logv);
  }
  return K_OK;
}

i32 binary(i32 op, i32 dtype, const void *a, const void *b, void *out, const i32 *desc, i32 row0, i32 row1);
i32 unary(i32 op, i32 dtype, const void *x, void *out, i32 n);

EXPORT i32 task_binary(const BinaryArgs *args, i32 tid, i32 nt) {
  i32 r0, r1;
  split(args->rows, tid, nt, &r0, &r1);
  return binary(args->op, args->dtype, args->a, args->b, args->out, args->desc, r0, r1);
}

/* Splits in multiples of 16 elements. */
EXPORT i32 task_unary(const UnaryArgs *args, i32 tid, i32 nt) {
  i32 dtype = args->dtype, n = args->n;
  if ((uint32_t)dtype > DT_BOOL) return K_BAD_DTYPE;
  i32 es = ELSIZE[dtype], oes = args->outElsize;
  i32 lo, hi;
  split((n + 15) / 16, tid, nt, &lo, &hi);
  lo *= 16;
  hi = hi * 16 < n ? hi * 16 : n;
  if (lo >= hi) return K_OK;
  return unary(args->op, dtype, (const char *)args->x + (size_t)lo * es, (char *)args->out + (size_t)lo * oes, hi - lo);
}
