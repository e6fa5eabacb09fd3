/*
 * conv2d and its gradients through oneDNN (the library PyTorch uses for CPU
 * convolution), float32, on the tensors' own NCHW / OIHW memory: no
 * reorders. Primitives are created once per geometry and kept in a small
 * cache (creating one costs milliseconds). Built only where dnnl.h was found
 * (TENSILE_DNNL); conv.c falls back to im2col + GEMM for anything this
 * declines (float64, a geometry oneDNN refuses, no oneDNN).
 */
#include "native.h"

#ifdef TENSILE_DNNL
#include <oneapi/dnnl/dnnl.h>
#include <string.h>

enum { CACHE = 32 };

typedef struct {
  int kind;
  int64_t g[14], o, groups;
} Key;

typedef struct {
  Key key;
  dnnl_primitive_t prim;
  dnnl_memory_desc_t a, b, out; /* the two inputs' and the output's descriptors, in execute order */
  int used;
} Entry;

static dnnl_engine_t engine;
static dnnl_stream_t stream;
static Entry cache[CACHE];
static int next_slot;

static int ready(void) {
  if (engine) return 1;
  if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) return 0;
  if (dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) != dnnl_success) {
    dnnl_engine_destroy(engine);
    engine = NULL;
    return 0;
  }
  return 1;
}

/* Creates the primitive of one kind for one geometry; 0 when oneDNN declines it. */
static int create(Entry *e, const Key *k) {
  const int64_t *g = k->g; /* n c h w kh kw sh sw pt pl dh dw oh ow */
  int64_t n = g[0], c = g[1], h = g[2], w = g[3], kh = g[4], kw = g[5], oh = g[12], ow = g[13];
  int64_t groups = k->groups, o = k->o;
  dnnl_dims_t src_dims = {n, c, h, w}, dst_dims = {n, o, oh, ow};
  dnnl_dims_t strides = {g[6], g[7]}, dilates = {g[10] - 1, g[11] - 1}, pad_l = {g[8], g[9]};
  /* the bottom/right padding that makes the output size come out as core computed it */
  dnnl_dims_t pad_r = {(oh - 1) * g[6] + (kh - 1) * g[10] + 1 - h - g[8], (ow - 1) * g[7] + (kw - 1) * g[11] + 1 - w - g[9]};
  if (pad_r[0] < 0 || pad_r[1] < 0) return 0;
  dnnl_memory_desc_t src, wei, dst;
  dnnl_memory_desc_init_by_tag(&src, 4, src_dims, dnnl_f32, dnnl_nchw);
  dnnl_memory_desc_init_by_tag(&dst, 4, dst_dims, dnnl_f32, dnnl_nchw);
  if (groups == 1) {
    dnnl_dims_t wd = {o, c, kh, kw};
    dnnl_memory_desc_init_by_tag(&wei, 4, wd, dnnl_f32, dnnl_oihw);
  } else {
    dnnl_dims_t wd = {groups, o / groups, c / groups, kh, kw};
    dnnl_memory_desc_init_by_tag(&wei, 5, wd, dnnl_f32, dnnl_goihw);
  }
  dnnl_convolution_desc_t fwd, bwd;
  dnnl_primitive_desc_t fwd_pd = NULL, pd = NULL;
  if (dnnl_dilated_convolution_forward_desc_init(&fwd, dnnl_forward_training, dnnl_convolution_direct, &src, &wei, NULL, &dst, strides,
                                                 dilates, pad_l, pad_r) != dnnl_success ||
      dnnl_primitive_desc_create(&fwd_pd, &fwd, NULL, engine, NULL) != dnnl_success)
    return 0;
  dnnl_status_t s = dnnl_success;
  if (k->kind == 0) {
    pd = fwd_pd;
    fwd_pd = NULL;
    e->a = src, e->b = wei, e->out = dst;
  } else if (k->kind == 1) {
    s = dnnl_dilated_convolution_backward_data_desc_init(&bwd, dnnl_convolution_direct, &src, &wei, &dst, strides, dilates, pad_l, pad_r);
    if (s == dnnl_success) s = dnnl_primitive_desc_create(&pd, &bwd, NULL, engine, fwd_pd);
    e->a = dst, e->b = wei, e->out = src;
  } else {
    s = dnnl_dilated_convolution_backward_weights_desc_init(&bwd, dnnl_convolution_direct, &src, &wei, NULL, &dst, strides, dilates, pad_l,
                                                            pad_r);
    if (s == dnnl_success) s = dnnl_primitive_desc_create(&pd, &bwd, NULL, engine, fwd_pd);
    e->a = src, e->b = dst, e->out = wei;
  }
  if (fwd_pd) dnnl_primitive_desc_destroy(fwd_pd);
  if (s != dnnl_success) return 0;
  s = dnnl_primitive_create(&e->prim, pd);
  dnnl_primitive_desc_destroy(pd);
  return s == dnnl_success;
}

static Entry *lookup(const Key *k) {
  for (int i = 0; i < CACHE; i++)
    if (cache[i].used && memcmp(&cache[i].key, k, sizeof *k) == 0) return &cache[i];
  Entry *e = &cache[next_slot];
  next_slot = (next_slot + 1) % CACHE;
  if (e->used) dnnl_primitive_destroy(e->prim);
  memset(e, 0, sizeof *e);
  if (!create(e, k)) return NULL;
  e->key = *k;
  e->used = 1;
  return e;
}

int dnnl_conv(int kind, const Geom *g, int64_t o, int64_t groups, const void *a, const void *b, void *out) {
  if (!ready()) return 0;
  Key k;
  memset(&k, 0, sizeof k);
  k.kind = kind;
  memcpy(k.g, g, sizeof k.g);
  k.o = o;
  k.groups = groups;
  Entry *e = lookup(&k);
  if (!e) return 0;
  dnnl_memory_t ma, mb, mo;
  dnnl_memory_create(&ma, &e->a, engine, (void *)a);
  dnnl_memory_create(&mb, &e->b, engine, (void *)b);
  dnnl_memory_create(&mo, &e->out, engine, out);
  static const int ARGS[3][3] = {
      {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
      {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
      {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
  };
  dnnl_exec_arg_t args[3] = {{ARGS[kind][0], ma}, {ARGS[kind][1], mb}, {ARGS[kind][2], mo}};
  dnnl_status_t s = dnnl_primitive_execute(e->prim, stream, 3, args);
  if (s == dnnl_success) s = dnnl_stream_wait(stream);
  dnnl_memory_destroy(ma);
  dnnl_memory_destroy(mb);
  dnnl_memory_destroy(mo);
  return s == dnnl_success;
}

int dnnl_available(void) { return 1; }

#else

int dnnl_conv(int kind, const Geom *g, int64_t o, int64_t groups, const void *a, const void *b, void *out) { return 0; }
int dnnl_available(void) { return 0; }

#endif
