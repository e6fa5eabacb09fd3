/*
 * float32 softmax over rows through oneDNN's softmax primitive (softmax_v2,
 * accurate), on the tensor's own row-major memory. Primitives are kept per
 * (rows, cols) in a small cache. Built only with oneDNN; reduce.c's loops run
 * where this declines, and for log-softmax (oneDNN 2.6's is ~1.4e-6 off).
 */
#include "native.h"

#ifdef TENSILE_DNNL
#include <string.h>

#include "dnnl_context.h"

enum { CACHE = 16 };

typedef struct {
  int64_t rows, cols;
  dnnl_memory_desc_t md;
  dnnl_primitive_t prim;
} Entry;

static Entry cache[CACHE];
static int next_slot;

static Entry *lookup(int64_t rows, int64_t cols) {
  for (int i = 0; i < CACHE; i++)
    if (cache[i].prim && cache[i].rows == rows && cache[i].cols == cols) return &cache[i];
  Entry *e = &cache[next_slot];
  next_slot = (next_slot + 1) % CACHE;
  if (e->prim) dnnl_primitive_destroy(e->prim);
  memset(e, 0, sizeof *e);
  dnnl_dims_t dims = {rows, cols};
  dnnl_softmax_v2_desc_t desc;
  dnnl_primitive_desc_t pd;
  if (dnnl_memory_desc_init_by_tag(&e->md, 2, dims, dnnl_f32, dnnl_ab) != dnnl_success ||
      dnnl_softmax_v2_forward_desc_init(&desc, dnnl_forward_inference, dnnl_softmax_accurate, &e->md,
                                        &e->md, 1) != dnnl_success ||
      dnnl_primitive_desc_create(&pd, &desc, NULL, dnnl_cpu_engine(), NULL) != dnnl_success)
    return NULL;
  dnnl_status_t s = dnnl_primitive_create(&e->prim, pd);
  dnnl_primitive_desc_destroy(pd);
  if (s != dnnl_success) {
    e->prim = NULL;
    return NULL;
  }
  e->rows = rows;
  e->cols = cols;
  return e;
}

int dnnl_softmax_f32(int64_t rows, int64_t cols, const float *x, float *y) {
  if (!dnnl_cpu_engine()) return 0;
  Entry *e = lookup(rows, cols);
  if (!e) return 0;
  dnnl_memory_t src = NULL, dst = NULL;
  int ok = dnnl_memory_create(&src, &e->md, dnnl_cpu_engine(), (void *)x) == dnnl_success &&
           dnnl_memory_create(&dst, &e->md, dnnl_cpu_engine(), y) == dnnl_success;
  if (ok) {
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}};
    ok = dnnl_run(e->prim, 2, args);
  }
  if (src) dnnl_memory_destroy(src);
  if (dst) dnnl_memory_destroy(dst);
  return ok;
}

#else

int dnnl_softmax_f32(int64_t rows, int64_t cols, const float *x, float *y) { return 0; }

#endif
