/*
 * Batch normalisation through oneDNN's batch-normalization primitive (the
 * one PyTorch uses on CPU), float32, on the tensor's own memory: x viewed as
 * [n, c, inner, 1] NCHW, statistics and scale/shift as [c]. Training
 * returns the batch mean and biased variance, evaluation takes them
 * (dnnl_use_global_stats); the backward gives dx, dweight and dbias.
 * Primitives are cached per geometry. Without oneDNN, for float64, or for a
 * geometry oneDNN refuses, the kernels return null (before making any
 * output) and core composes batch norm from other kernels.
 */
#include "native.h"

#ifdef TENSILE_DNNL
#include <stdlib.h>
#include <string.h>

#include "dnnl_context.h"

enum { CACHE = 16 };
/* Passes of the primitive. */
enum { BN_TRAIN, BN_EVAL, BN_BACKWARD };

typedef struct {
  int kind;
  unsigned flags;
  int64_t n, c, inner;
  float eps;
} Key;

typedef struct {
  Key key;
  dnnl_memory_desc_t data, stat;
  dnnl_primitive_t prim;
} Entry;

static Entry cache[CACHE];
static int next_slot;

/* The training forward pd for key's geometry with `flags`: run itself, or the backward's hint. */
static dnnl_primitive_desc_t forward_pd(const Entry *e, dnnl_prop_kind_t prop, unsigned flags) {
  dnnl_batch_normalization_desc_t d;
  dnnl_primitive_desc_t pd = NULL;
  if (dnnl_batch_normalization_forward_desc_init(&d, prop, &e->data, e->key.eps, flags) != dnnl_success ||
      dnnl_primitive_desc_create(&pd, &d, NULL, dnnl_cpu_engine(), NULL) != dnnl_success)
    return NULL;
  return pd;
}

static int create(Entry *e) {
  const Key *k = &e->key;
  dnnl_dims_t dims = {k->n, k->c, k->inner, 1}, cdims = {k->c};
  dnnl_memory_desc_init_by_tag(&e->data, 4, dims, dnnl_f32, dnnl_nchw);
  dnnl_memory_desc_init_by_tag(&e->stat, 1, cdims, dnnl_f32, dnnl_a);
  dnnl_primitive_desc_t pd = NULL;
  if (k->kind == BN_TRAIN) pd = forward_pd(e, dnnl_forward_training, k->flags);
  else if (k->kind == BN_EVAL) pd = forward_pd(e, dnnl_forward_inference, k->flags | dnnl_use_global_stats);
  else {
    dnnl_primitive_desc_t hint = forward_pd(e, dnnl_forward_training, k->flags);
    dnnl_batch_normalization_desc_t d;
    if (hint && dnnl_batch_normalization_backward_desc_init(&d, dnnl_backward, &e->data, &e->data, k->eps, k->flags) == dnnl_success &&
        dnnl_primitive_desc_create(&pd, &d, NULL, dnnl_cpu_engine(), hint) != dnnl_success)
      pd = NULL;
    if (hint) dnnl_primitive_desc_destroy(hint);
  }
  if (!pd) return 0;
  dnnl_status_t s = dnnl_primitive_create(&e->prim, pd);
  dnnl_primitive_desc_destroy(pd);
  if (s != dnnl_success) e->prim = NULL;
  return e->prim != NULL;
}

static Entry *lookup(const Key *k) {
  for (int i = 0; i < CACHE; i++)
    if (cache[i].prim && memcmp(&cache[i].key, k, sizeof *k) == 0) return &cache[i];
  Entry *e = &cache[next_slot];
  next_slot = (next_slot + 1) % CACHE;
  if (e->prim) dnnl_primitive_destroy(e->prim);
  memset(e, 0, sizeof *e);
  e->key = *k;
  if (!create(e)) {
    memset(e, 0, sizeof *e);
    return NULL;
  }
  return e;
}

/* One primitive argument: a memory object over `data` with the entry's data or statistics descriptor. */
typedef struct {
  int arg;
  const void *data;
  int stat;
} Arg;

static int execute(Entry *e, const Arg *list, int count) {
  dnnl_exec_arg_t args[10];
  dnnl_memory_t mem[10] = {NULL};
  int ok = 1;
  for (int i = 0; i < count && ok; i++) {
    ok = dnnl_memory_create(&mem[i], list[i].stat ? &e->stat : &e->data, dnnl_cpu_engine(), (void *)list[i].data) == dnnl_success;
    args[i].arg = list[i].arg;
    args[i].memory = mem[i];
  }
  if (ok) ok = dnnl_run(e->prim, count, args);
  for (int i = 0; i < count; i++)
    if (mem[i]) dnnl_memory_destroy(mem[i]);
  return ok;
}

static Key key_of(int kind, unsigned flags, int64_t n, int64_t c, int64_t inner, double eps) {
  Key k;
  memset(&k, 0, sizeof k); /* padding too: keys are compared with memcmp */
  k.kind = kind;
  k.flags = flags;
  k.n = n;
  k.c = c;
  k.inner = inner;
  k.eps = (float)eps;
  return k;
}

/* The cached primitive of one pass, or NULL where oneDNN is absent or declines (asked before any output is made). */
static Entry *entry(int kind, unsigned flags, int64_t n, int64_t c, int64_t inner, double eps) {
  if (!dnnl_cpu_engine()) return NULL;
  Key k = key_of(kind, flags, n, c, inner, eps);
  return lookup(&k);
}

static int forward(Entry *e, const float *x, const float *w, const float *b, float *mean, float *var, float *y) {
  Arg list[6] = {{DNNL_ARG_SRC, x, 0}, {DNNL_ARG_DST, y, 0}, {DNNL_ARG_MEAN, mean, 1}, {DNNL_ARG_VARIANCE, var, 1}};
  int count = 4;
  if (w) list[count++] = (Arg){DNNL_ARG_SCALE, w, 1};
  if (b) list[count++] = (Arg){DNNL_ARG_SHIFT, b, 1};
  return execute(e, list, count);
}

/* Always with scale and shift, so dweight and dbias come out (w: a scale of ones where weight is absent). */
static int backward(Entry *e, const float *dy, const float *x, const float *mean, const float *var, const float *w, float *dx, float *dw,
                    float *db) {
  /* oneDNN 2.6 refuses (invalid arguments) a backward with dnnl_use_shift unless a shift is bound too; it never
     reads it, so any [c] buffer does. */
  Arg list[9] = {{DNNL_ARG_DIFF_DST, dy, 0},    {DNNL_ARG_SRC, x, 0},         {DNNL_ARG_MEAN, mean, 1},
                 {DNNL_ARG_VARIANCE, var, 1},   {DNNL_ARG_SCALE, w, 1},       {DNNL_ARG_SHIFT, mean, 1},
                 {DNNL_ARG_DIFF_SRC, dx, 0},    {DNNL_ARG_DIFF_SCALE, dw, 1}, {DNNL_ARG_DIFF_SHIFT, db, 1}};
  return execute(e, list, 9);
}

/* A handle argument, or NULL where JS passed null (an absent weight, bias or statistics). */
static const void *arg_opt_buf(Args *a, size_t i) {
  napi_valuetype type;
  if (a->failed || napi_typeof(a->env, a->argv[i], &type) != napi_ok || type == napi_null || type == napi_undefined) return NULL;
  return arg_buf(a, i);
}

static napi_value js_null(napi_env env) {
  napi_value v;
  napi_get_null(env, &v);
  return v;
}

/*
 * batchNormForward(x, weight|null, bias|null, mean|null, var|null, dtype, n, c, inner, eps) -> [y, mean, var] in
 * training (mean and var null), [y] in evaluation, or null where oneDNN is absent or declines (float64).
 */
static napi_value k_batch_norm_forward(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "batchNormForward", 10)) return NULL;
  const void *x = arg_buf(&a, 0), *w = arg_opt_buf(&a, 1), *b = arg_opt_buf(&a, 2);
  const void *mean_in = arg_opt_buf(&a, 3), *var_in = arg_opt_buf(&a, 4);
  int dtype = (int)arg_i64(&a, 5);
  int64_t n = arg_i64(&a, 6), c = arg_i64(&a, 7), inner = arg_i64(&a, 8);
  double eps = arg_f64(&a, 9);
  if (a.failed) return NULL;
  if (dtype != DT_F32) return js_null(env);
  int eval = mean_in && var_in;
  unsigned flags = (w ? dnnl_use_scale : 0) | (b ? dnnl_use_shift : 0);
  Entry *e = entry(eval ? BN_EVAL : BN_TRAIN, flags, n, c, inner, eps);
  if (!e) return js_null(env);
  void *y, *mean = (void *)mean_in, *var = (void *)var_in;
  napi_value out[3];
  out[0] = buf_new(env, DT_F32, n * c * inner, 0, &y);
  if (!out[0]) return NULL;
  if (!eval) {
    out[1] = buf_new(env, DT_F32, c, 0, &mean);
    out[2] = out[1] ? buf_new(env, DT_F32, c, 0, &var) : NULL;
    if (!out[2]) return NULL;
  }
  if (!forward(e, x, w, b, mean, var, y)) {
    arg_fail(&a, NULL, "batchNormForward: oneDNN failed on [%lld, %lld, %lld]", (long long)n, (long long)c, (long long)inner);
    return NULL;
  }
  return js_array(env, out, eval ? 1 : 3);
}

/* batchNormBackward(dy, x, mean, var, weight|null, dtype, n, c, inner, eps) -> [dx, dweight, dbias], or null. */
static napi_value k_batch_norm_backward(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "batchNormBackward", 10)) return NULL;
  const void *dy = arg_buf(&a, 0), *x = arg_buf(&a, 1), *mean = arg_buf(&a, 2), *var = arg_buf(&a, 3), *w = arg_opt_buf(&a, 4);
  int dtype = (int)arg_i64(&a, 5);
  int64_t n = arg_i64(&a, 6), c = arg_i64(&a, 7), inner = arg_i64(&a, 8);
  double eps = arg_f64(&a, 9);
  if (a.failed) return NULL;
  if (dtype != DT_F32) return js_null(env);
  Entry *e = entry(BN_BACKWARD, dnnl_use_scale | dnnl_use_shift, n, c, inner, eps);
  if (!e) return js_null(env);
  float *ones = NULL;
  if (!w) {
    ones = malloc((size_t)c * sizeof(float));
    if (!ones) {
      arg_fail(&a, "ENOMEM", "batchNormBackward: out of memory for %lld scales", (long long)c);
      return NULL;
    }
    for (int64_t i = 0; i < c; i++) ones[i] = 1.0f;
  }
  void *dx, *dw, *db;
  napi_value out[3];
  out[0] = buf_new(env, DT_F32, n * c * inner, 0, &dx);
  out[1] = out[0] ? buf_new(env, DT_F32, c, 0, &dw) : NULL;
  out[2] = out[1] ? buf_new(env, DT_F32, c, 0, &db) : NULL;
  int ok = out[2] && backward(e, dy, x, mean, var, w ? w : ones, dx, dw, db);
  free(ones);
  if (!out[2]) return NULL;
  if (!ok) {
    arg_fail(&a, NULL, "batchNormBackward: oneDNN failed on [%lld, %lld, %lld]", (long long)n, (long long)c, (long long)inner);
    return NULL;
  }
  return js_array(env, out, 3);
}

#else

static napi_value k_declined(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_get_null(env, &v);
  return v;
}
#define k_batch_norm_forward k_declined
#define k_batch_norm_backward k_declined

#endif

const Export BATCH_NORM_EXPORTS[] = {{"batchNormForward", k_batch_norm_forward}, {"batchNormBackward", k_batch_norm_backward}, {NULL, NULL}};
