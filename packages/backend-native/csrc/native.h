/*
 * Shared declarations of the native backend's addon: tensor buffers, dtypes,
 * Node-API argument helpers and the kernel entry points each file exports.
 */
#ifndef TENSILE_NATIVE_H
#define TENSILE_NATIVE_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* dtype codes, as src/dtypes.ts numbers them */
enum { DT_F32 = 0, DT_F64 = 1, DT_I32 = 2, DT_BOOL = 3, DT_COUNT = 4 };

extern const size_t DT_SIZE[DT_COUNT];

/* Runtime dispatch: hot loops get an AVX2 clone picked at load time (ifunc); the default clone is baseline x86-64. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((target_clones("avx2", "default")))
#else
#define HOT
#endif

/* Work below this many elements runs on the calling thread (waking OpenMP threads costs microseconds). */
#define PAR_MIN 32768

/* Largest rank of a layout a kernel takes (core collapses contiguous axes first). */
#define MAX_RANK 16

/* A tensor's storage: owned by the addon, freed by free() or, if forgotten, by the GC finalizer. */
typedef struct {
  void *data; /* NULL once freed */
  size_t bytes;
} Buf;

/* ---- buffers (addon.c) ---- */
/* A new handle of `count` elements of dtype; zeroed when `zero`. NULL with a pending JS error on failure. */
napi_value buf_new(napi_env env, int dtype, int64_t count, int zero, void **data_out);
/* The live storage of a handle argument, or NULL with a pending JS error. */
void *buf_data(napi_env env, napi_value handle, const char *kernel);
/* A JS array of `count` values: a kernel's several outputs (values and indices, y and its statistics). */
napi_value js_array(napi_env env, const napi_value *items, int count);

/* ---- arguments (addon.c) ---- */
#define MAX_ARGS 16
typedef struct {
  napi_env env;
  napi_value argv[MAX_ARGS];
  size_t argc;
  const char *kernel;
  int failed; /* a JS error is pending */
} Args;

int args_get(napi_env env, napi_callback_info info, Args *a, const char *kernel, size_t expected);
int64_t arg_i64(Args *a, size_t i);
double arg_f64(Args *a, size_t i);
int arg_bool(Args *a, size_t i);
void *arg_buf(Args *a, size_t i);
/* Reads a JS array of integers into out (at most `max`); returns its length. */
int arg_ints(Args *a, size_t i, int64_t *out, int max);
/* Raises a JS error (code ENATIVE unless given) and marks the call failed. */
void arg_fail(Args *a, const char *code, const char *fmt, ...);

/* ---- parallel loops (addon.c) ---- */
/* fn(ctx, lo, hi) over pieces of [0, n): split statically over g_threads when work (elements touched) is large. */
typedef void (*RangeFn)(void *ctx, int64_t lo, int64_t hi);
void par_range(int64_t n, int64_t work, RangeFn fn, void *ctx);

/* ---- strided iteration (addon.c) ---- */
/* A layout walked row by row: out element e sits at offsets[i] + … in input i (element strides). */
typedef struct {
  int rank;
  int64_t shape[MAX_RANK];
  int64_t strides[3][MAX_RANK];
  /* one piece of a row: `len` elements from walk position o, inputs at offsets[i] */
  void (*row)(void *ctx, const int64_t *offsets, int64_t o, int64_t len);
  void *ctx;
  int nin;
} Walk;
/* Positions [lo, hi) of the walk (a RangeFn over a Walk; rows are cut so a flat layout splits over threads). */
void walk_range(void *walk, int64_t lo, int64_t hi);
/* Reads a shape and `nin` stride lists from arguments first, first+1… into w; returns the element count. */
int64_t read_walk(Args *a, size_t first, int nin, Walk *w);

/* ---- windows (movement.c) ---- */
/* A window geometry, in Conv2dGeometry's field order (src/native.ts geometry()). */
typedef struct {
  int64_t n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow;
} Geom;
int read_geom(Args *a, size_t i, Geom *g);
/* Output positions [lo, hi) along one axis whose input coordinate o*stride - pad + tap lies in [0, size). */
void valid_range(int64_t size, int64_t out, int64_t stride, int64_t pad, int64_t tap, int64_t *lo, int64_t *hi);
/* Writes the columns of x into cols [n, c*kh*kw, oh*ow] (the contract's layout), split over threads by input plane. */
void im2col_into(const Geom *g, int dtype, const void *x, void *cols, double pad);
/* The adjoint: adds columns back into dx, zeroed by the caller; no two threads share a plane. */
void col2im_into(const Geom *g, int dtype, const void *cols, void *dx);
/* The same for the one image at x (or dx), on the calling thread: cols is [c*kh*kw, oh*ow]; g->n is ignored. */
void im2col_image(const Geom *g, int dtype, const void *x, void *cols, double pad);
void col2im_image(const Geom *g, int dtype, const void *cols, void *dx);

/* ---- GEMM (gemm.c) ---- */
/* C = op(A)·op(B) + beta·C, row-major, for float32 (oneDNN when small, else OpenBLAS), float64 (OpenBLAS), int32 (loops). */
void gemm(int dtype, int transA, int transB, int64_t m, int64_t n, int64_t k, const void *A, int64_t lda, const void *B,
          int64_t ldb, double beta, void *C, int64_t ldc);

/* ---- oneDNN (conv_dnnl.c) ---- */
/*
 * A float32 conv2d pass through oneDNN: kind 0 forward (a = x, b = w), 1 input gradient (a = dy, b = w),
 * 2 filter gradient (a = x, b = dy). Returns 0 where oneDNN is absent or declines (then im2col + GEMM runs).
 */
int dnnl_conv(int kind, const Geom *g, int64_t o, int64_t groups, const void *a, const void *b, void *out);
int dnnl_available(void);
/* Softmax of each row of x [rows, cols] into y through oneDNN; 0 where it declines. */
int dnnl_softmax_f32(int64_t rows, int64_t cols, const float *x, float *y);
/* C = op(A)·op(B) + beta·C (row-major float32) through oneDNN's sgemm when small enough; 0 where it declines. */
int dnnl_gemm_f32(int transA, int transB, int64_t m, int64_t n, int64_t k, const float *A, int64_t lda, const float *B,
                  int64_t ldb, float beta, float *C, int64_t ldc);

/* ---- kernels; each file registers its functions ---- */
typedef struct {
  const char *name;
  napi_callback fn;
} Export;

extern const Export ELEMENTWISE_EXPORTS[];
extern const Export REDUCE_EXPORTS[];
extern const Export MOVEMENT_EXPORTS[];
extern const Export GEMM_EXPORTS[];
extern const Export CONV_EXPORTS[];
extern const Export SCAN_SORT_EXPORTS[];
extern const Export POOL_EXPORTS[];
extern const Export BATCH_NORM_EXPORTS[];

/* Thread count of the kernels (OpenMP, OpenBLAS, oneDNN); set by setThreads. */
extern int g_threads;
/* ---- signals (signals.c): oneDNN's JIT GEMM must not take a signal on its thread ---- */
/* Holds asynchronous signals on this thread until signals_release (wrap every oneDNN call). */
void signals_hold(sigset_t *saved);
void signals_release(const sigset_t *saved);
/* Starts (or reuses) n OpenMP workers with asynchronous signals blocked for good. */
void threads_start(int n);
/* OpenBLAS's own setter (cblas.h of some builds does not declare it). */
void openblas_set_num_threads(int num_threads);

#endif
