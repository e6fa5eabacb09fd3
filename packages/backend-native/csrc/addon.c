/*
 * The addon's entry point: tensor buffers (allocation, finalizer, memory
 * accounting), host transfers, thread count, argument helpers and the
 * strided row walker the kernels share.
 */
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "native.h"

const size_t DT_SIZE[DT_COUNT] = {4, 8, 4, 1};

int g_threads = 1;

/* Every Buf the addon made and has not released: counts across all backends in the process. */
static int64_t live_handles = 0;
static int64_t live_bytes = 0;
static int64_t finalized = 0;

/*
 * Freed storage is kept for reuse, by exact byte size, up to POOL_CAP bytes: a training loop asks for the
 * same sizes every step, and reusing a block skips the mmap/munmap and page faults that a fresh large
 * allocation costs (glibc serves blocks over 128 KiB with mmap). The freed block's first word links its list.
 */
enum { POOL_SIZES = 256 };
#define POOL_CAP ((size_t)1 << 30)
static struct {
  size_t bytes;
  void *head;
} pool[POOL_SIZES];
static size_t pool_bytes = 0;

static void *pool_take(size_t bytes) {
  for (int i = 0; i < POOL_SIZES; i++) {
    if (pool[i].bytes == bytes && pool[i].head) {
      void *p = pool[i].head;
      pool[i].head = *(void **)p;
      pool_bytes -= bytes;
      return p;
    }
  }
  return NULL;
}

/* Keeps p for reuse; 0 when the pool is full (the caller frees it). */
static int pool_keep(void *p, size_t bytes) {
  if (bytes < sizeof(void *) || pool_bytes + bytes > POOL_CAP) return 0;
  int slot = -1;
  for (int i = 0; i < POOL_SIZES; i++) {
    if (pool[i].bytes == bytes) {
      slot = i;
      break;
    }
    if (slot < 0 && !pool[i].head) slot = i;
  }
  if (slot < 0) return 0;
  pool[slot].bytes = bytes;
  *(void **)p = pool[slot].head;
  pool[slot].head = p;
  pool_bytes += bytes;
  return 1;
}

/* Tags our externals, so a foreign external (another addon's) is refused instead of dereferenced. */
static const napi_type_tag BUF_TAG = {0x74656e73696c6521ULL, 0x6e61746976654255ULL};

/*
 * V8 is told of the bytes the addon holds from the system (live and kept), so it collects in time; a block
 * reused from the pool changes nothing, so a training step's churn does not push V8 into extra collections.
 */
static void release(napi_env env, Buf *b) {
  if (!b->data) return;
  if (!pool_keep(b->data, b->bytes ? b->bytes : 1)) {
    free(b->data);
    int64_t ignored;
    napi_adjust_external_memory(env, -(int64_t)b->bytes, &ignored);
  }
  b->data = NULL;
  live_handles--;
  live_bytes -= (int64_t)b->bytes;
}

/* The GC collected a handle: frees storage that free() did not already free, then the Buf itself. */
static void finalize_buf(napi_env env, void *data, void *hint) {
  (void)hint;
  Buf *b = data;
  if (b->data) finalized++;
  release(env, b);
  free(b);
}

napi_value js_array(napi_env env, const napi_value *items, int count) {
  napi_value out;
  napi_create_array_with_length(env, (size_t)count, &out);
  for (int i = 0; i < count; i++) napi_set_element(env, out, (uint32_t)i, items[i]);
  return out;
}

napi_value buf_new(napi_env env, int dtype, int64_t count, int zero, void **data_out) {
  size_t bytes = (size_t)count * DT_SIZE[dtype];
  Buf *b = malloc(sizeof(Buf));
  /* 64-byte alignment for SIMD loads and BLAS; at least one byte so an empty tensor is a real allocation. */
  void *data = pool_take(bytes ? bytes : 1);
  int fresh = !data;
  if (b && fresh && posix_memalign(&data, 64, bytes ? bytes : 1) != 0) data = NULL;
  if (!b || !data) {
    free(b);
    char msg[160];
    snprintf(msg, sizeof msg, "out of memory: asked for %zu bytes", bytes);
    napi_throw_error(env, "ENOMEM", msg);
    return NULL;
  }
  if (zero) memset(data, 0, bytes);
  b->data = data;
  b->bytes = bytes;
  napi_value handle;
  if (napi_create_external(env, b, finalize_buf, NULL, &handle) != napi_ok) {
    free(data);
    free(b);
    napi_throw_error(env, "ENATIVE", "could not create a handle");
    return NULL;
  }
  napi_type_tag_object(env, handle, &BUF_TAG);
  live_handles++;
  live_bytes += (int64_t)bytes;
  if (fresh) {
    int64_t ignored;
    napi_adjust_external_memory(env, (int64_t)bytes, &ignored);
  }
  *data_out = data;
  return handle;
}

static Buf *buf_of(napi_env env, napi_value handle, const char *kernel) {
  napi_valuetype type;
  bool ours = false;
  if (napi_typeof(env, handle, &type) == napi_ok && type == napi_external) napi_check_object_type_tag(env, handle, &BUF_TAG, &ours);
  char msg[200];
  if (!ours) {
    snprintf(msg, sizeof msg, "%s: the handle was not made by a native backend", kernel);
    napi_throw_error(env, "EHANDLE", msg);
    return NULL;
  }
  Buf *b;
  napi_get_value_external(env, handle, (void **)&b);
  if (!b->data) {
    snprintf(msg, sizeof msg, "%s: the handle was already freed", kernel);
    napi_throw_error(env, "EHANDLE", msg);
    return NULL;
  }
  return b;
}

void *buf_data(napi_env env, napi_value handle, const char *kernel) {
  Buf *b = buf_of(env, handle, kernel);
  return b ? b->data : NULL;
}

/* ---- arguments ---- */

int args_get(napi_env env, napi_callback_info info, Args *a, const char *kernel, size_t expected) {
  a->env = env;
  a->kernel = kernel;
  a->failed = 0;
  a->argc = MAX_ARGS;
  napi_get_cb_info(env, info, &a->argc, a->argv, NULL, NULL);
  if (a->argc < expected) {
    arg_fail(a, NULL, "%s: expected %zu arguments, got %zu", kernel, expected, a->argc);
    return 0;
  }
  return 1;
}

void arg_fail(Args *a, const char *code, const char *fmt, ...) {
  if (a->failed) return;
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  napi_throw_error(a->env, code ? code : "ENATIVE", msg);
  a->failed = 1;
}

int64_t arg_i64(Args *a, size_t i) {
  int64_t v = 0;
  if (!a->failed && napi_get_value_int64(a->env, a->argv[i], &v) != napi_ok) arg_fail(a, NULL, "%s: argument %zu is not a number", a->kernel, i);
  return v;
}

double arg_f64(Args *a, size_t i) {
  double v = 0;
  if (!a->failed && napi_get_value_double(a->env, a->argv[i], &v) != napi_ok) arg_fail(a, NULL, "%s: argument %zu is not a number", a->kernel, i);
  return v;
}

int arg_bool(Args *a, size_t i) {
  bool v = false;
  if (!a->failed && napi_get_value_bool(a->env, a->argv[i], &v) != napi_ok) arg_fail(a, NULL, "%s: argument %zu is not a boolean", a->kernel, i);
  return v;
}

void *arg_buf(Args *a, size_t i) {
  if (a->failed) return NULL;
  void *p = buf_data(a->env, a->argv[i], a->kernel);
  if (!p) a->failed = 1;
  return p;
}

int arg_ints(Args *a, size_t i, int64_t *out, int max) {
  if (a->failed) return 0;
  uint32_t n = 0;
  if (napi_get_array_length(a->env, a->argv[i], &n) != napi_ok || n > (uint32_t)max) {
    arg_fail(a, NULL, "%s: argument %zu is not an array of at most %d numbers", a->kernel, i, max);
    return 0;
  }
  for (uint32_t j = 0; j < n; j++) {
    napi_value v;
    napi_get_element(a->env, a->argv[i], j, &v);
    if (napi_get_value_int64(a->env, v, &out[j]) != napi_ok) {
      arg_fail(a, NULL, "%s: argument %zu[%u] is not a number", a->kernel, i, j);
      return 0;
    }
  }
  return (int)n;
}

/* ---- parallel loops and strided iteration ---- */

void par_range(int64_t n, int64_t work, RangeFn fn, void *ctx) {
  if (n <= 1 || work < PAR_MIN || g_threads == 1) {
    fn(ctx, 0, n);
    return;
  }
  int nt = g_threads < n ? g_threads : (int)n;
  /* a static split: the same thread count always cuts the same pieces, so results are deterministic */
#pragma omp parallel num_threads(nt)
  {
    int t = omp_get_thread_num(), count = omp_get_num_threads();
    int64_t lo = n * t / count, hi = n * (t + 1) / count;
    if (lo < hi) fn(ctx, lo, hi);
  }
}

/*
 * Positions [lo, hi) of the walk, row piece by row piece: the start is decomposed once, then an odometer
 * steps the outer axes (short rows, a pooling window's 4 elements say, cost no divisions).
 */
void walk_range(void *p, int64_t lo, int64_t hi) {
  const Walk *w = p;
  int r = w->rank;
  int64_t len = w->shape[r - 1];
  int64_t index[MAX_RANK] = {0};
  int64_t offsets[3] = {0, 0, 0};
  int64_t col = lo % len, rest = lo / len;
  for (int d = r - 2; d >= 0; d--) {
    index[d] = rest % w->shape[d];
    rest /= w->shape[d];
    for (int i = 0; i < w->nin; i++) offsets[i] += index[d] * w->strides[i][d];
  }
  while (lo < hi) {
    int64_t take = len - col < hi - lo ? len - col : hi - lo;
    int64_t at[3];
    for (int i = 0; i < w->nin; i++) at[i] = offsets[i] + col * w->strides[i][r - 1];
    w->row(w->ctx, at, lo, take);
    lo += take;
    col = 0;
    for (int d = r - 2; d >= 0; d--) {
      index[d]++;
      for (int i = 0; i < w->nin; i++) offsets[i] += w->strides[i][d];
      if (index[d] < w->shape[d]) break;
      for (int i = 0; i < w->nin; i++) offsets[i] -= w->strides[i][d] * w->shape[d];
      index[d] = 0;
    }
  }
}

int64_t read_walk(Args *a, size_t first, int nin, Walk *w) {
  w->rank = arg_ints(a, first, w->shape, MAX_RANK);
  w->nin = nin;
  for (int i = 0; i < nin; i++) {
    int r = arg_ints(a, first + 1 + i, w->strides[i], MAX_RANK);
    if (!a->failed && r != w->rank) arg_fail(a, NULL, "%s: stride list %d has rank %d, shape %d", a->kernel, i, r, w->rank);
  }
  if (!a->failed && w->rank < 1) arg_fail(a, NULL, "%s: a layout needs rank >= 1", a->kernel);
  int64_t n = 1;
  for (int d = 0; d < w->rank; d++) n *= w->shape[d];
  return n;
}

/* ---- host transfers and bookkeeping ---- */

/* upload(typedArray, dtype) -> handle: copies host data in (bool normalised to 0/1). */
static napi_value k_upload(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "upload", 2)) return NULL;
  int dtype = (int)arg_i64(&a, 1);
  napi_typedarray_type type;
  size_t length;
  void *src;
  if (napi_get_typedarray_info(env, a.argv[0], &type, &length, &src, NULL, NULL) != napi_ok) {
    arg_fail(&a, NULL, "upload: expected a typed array");
    return NULL;
  }
  void *dst;
  napi_value out = buf_new(env, dtype, (int64_t)length, 0, &dst);
  if (!out) return NULL;
  if (dtype == DT_BOOL) {
    const uint8_t *s = src;
    uint8_t *d = dst;
    for (size_t i = 0; i < length; i++) d[i] = s[i] != 0;
  } else {
    memcpy(dst, src, length * DT_SIZE[dtype]);
  }
  return out;
}

/* fill(size, value, dtype) -> handle */
static napi_value k_fill(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "fill", 3)) return NULL;
  int64_t n = arg_i64(&a, 0);
  double v = arg_f64(&a, 1);
  int dtype = (int)arg_i64(&a, 2);
  if (a.failed) return NULL;
  void *d;
  napi_value out = buf_new(env, dtype, n, v == 0, &d);
  if (!out || v == 0) return out;
  switch (dtype) {
    case DT_F32:
      for (int64_t i = 0; i < n; i++) ((float *)d)[i] = (float)v;
      break;
    case DT_F64:
      for (int64_t i = 0; i < n; i++) ((double *)d)[i] = v;
      break;
    case DT_I32: {
      /* JavaScript's ToInt32 (what Int32Array.fill does): truncate, then wrap modulo 2^32 */
      int32_t iv = v != v || v == 1.0 / 0.0 || v == -1.0 / 0.0 ? 0 : (int32_t)(uint32_t)(int64_t)__builtin_fmod(__builtin_trunc(v), 4294967296.0);
      for (int64_t i = 0; i < n; i++) ((int32_t *)d)[i] = iv;
      break;
    }
    default:
      memset(d, 1, (size_t)n);
  }
  return out;
}

/* read(handle, dtype, size) -> typed array copy */
static napi_value k_read(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "read", 3)) return NULL;
  void *src = arg_buf(&a, 0);
  int dtype = (int)arg_i64(&a, 1);
  int64_t n = arg_i64(&a, 2);
  if (a.failed) return NULL;
  size_t bytes = (size_t)n * DT_SIZE[dtype];
  void *dst;
  napi_value ab, out;
  if (napi_create_arraybuffer(env, bytes, &dst, &ab) != napi_ok) {
    arg_fail(&a, "ENOMEM", "read: could not allocate %zu bytes in JS", bytes);
    return NULL;
  }
  if (bytes) memcpy(dst, src, bytes);
  static const napi_typedarray_type TYPES[DT_COUNT] = {napi_float32_array, napi_float64_array, napi_int32_array, napi_uint8_array};
  napi_create_typedarray(env, TYPES[dtype], (size_t)n, ab, 0, &out);
  return out;
}

/* free(handle): releases the storage now; the finalizer later frees only the small Buf. */
static napi_value k_free(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "free", 1)) return NULL;
  Buf *b = buf_of(env, a.argv[0], "free");
  if (b) release(env, b);
  return NULL;
}

/* memory() -> [liveHandles, liveBytes, freedByFinalizer, pooledBytes] */
static napi_value k_memory(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out, v;
  napi_create_array_with_length(env, 4, &out);
  napi_create_int64(env, live_handles, &v);
  napi_set_element(env, out, 0, v);
  napi_create_int64(env, live_bytes, &v);
  napi_set_element(env, out, 1, v);
  napi_create_int64(env, finalized, &v);
  napi_set_element(env, out, 2, v);
  napi_create_int64(env, (int64_t)pool_bytes, &v);
  napi_set_element(env, out, 3, v);
  return out;
}

/* setThreads(n): OpenMP (our loops and oneDNN) and OpenBLAS use n threads. */
static napi_value k_set_threads(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "setThreads", 1)) return NULL;
  int n = (int)arg_i64(&a, 0);
  if (a.failed) return NULL;
  if (n < 1) n = 1;
  g_threads = n;
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
  threads_start(n);
  return NULL;
}

/* cores() -> processors OpenMP may use */
static napi_value k_cores(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_int32(env, omp_get_num_procs(), &v);
  return v;
}

static const Export CORE_EXPORTS[] = {
    {"upload", k_upload}, {"fill", k_fill}, {"read", k_read}, {"free", k_free},
    {"memory", k_memory}, {"setThreads", k_set_threads}, {"cores", k_cores}, {NULL, NULL},
};

static void define(napi_env env, napi_value exports, const Export *list) {
  for (; list->name; list++) {
    napi_value fn;
    napi_create_function(env, list->name, NAPI_AUTO_LENGTH, list->fn, NULL, &fn);
    napi_set_named_property(env, exports, list->name, fn);
  }
}

static napi_value init(napi_env env, napi_value exports) {
  define(env, exports, CORE_EXPORTS);
  define(env, exports, ELEMENTWISE_EXPORTS);
  define(env, exports, REDUCE_EXPORTS);
  define(env, exports, MOVEMENT_EXPORTS);
  define(env, exports, GEMM_EXPORTS);
  define(env, exports, CONV_EXPORTS);
  define(env, exports, SCAN_SORT_EXPORTS);
  define(env, exports, POOL_EXPORTS);
  define(env, exports, BATCH_NORM_EXPORTS);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
