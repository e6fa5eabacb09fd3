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
#include <string.h>

#include "dnnl_context.h"

enum { CACHE = 32 };

/*
 * One operand of a pass: the tensor's own plain descriptor (nchw / oihw / goihw) and, where the primitive
 * chose a blocked layout (nChw8c, OIhw8i8o, …), a reorder to (inputs) or from (the output) a buffer in that
 * layout, kept with the primitive.
 */
typedef struct {
  dnnl_memory_desc_t plain;
  dnnl_primitive_t reorder; /* NULL where the primitive takes the plain layout */
  dnnl_memory_t blocked;    /* the primitive's side of the reorder */
} Operand;

typedef struct {
  int kind;
  int64_t g[14], o, groups;
} Key;

typedef struct {
  Key key;
  dnnl_primitive_t prim;
  Operand op[3]; /* the two inputs and the output, in execute order */
  int used;
} Entry;

static Entry cache[CACHE];
static int next_slot;

static void drop_operand(Operand *op) {
  if (op->reorder) dnnl_primitive_destroy(op->reorder);
  if (op->blocked) dnnl_memory_destroy(op->blocked);
  op->reorder = NULL;
  op->blocked = NULL;
}

static void drop(Entry *e) {
  if (e->prim) dnnl_primitive_destroy(e->prim);
  for (int i = 0; i < 3; i++) drop_operand(&e->op[i]);
  memset(e, 0, sizeof *e);
}

/* Sets up one operand: a reorder between the plain layout and the one pd chose for `what`, where they differ. */
static int bind(Operand *op, const dnnl_memory_desc_t *plain, const_dnnl_primitive_desc_t pd, dnnl_query_t what, int output) {
  op->plain = *plain;
  const dnnl_memory_desc_t *chosen = dnnl_primitive_desc_query_md(pd, what, 0);
  if (!chosen) return 0;
  if (dnnl_memory_desc_equal(chosen, plain)) return 1;
  dnnl_primitive_desc_t rpd;
  const dnnl_memory_desc_t *from = output ? chosen : plain, *to = output ? plain : chosen;
  if (dnnl_reorder_primitive_desc_create(&rpd, from, dnnl_cpu_engine(), to, dnnl_cpu_engine(), NULL) != dnnl_success) return 0;
  dnnl_status_t s = dnnl_primitive_create(&op->reorder, rpd);
  dnnl_primitive_desc_destroy(rpd);
  return s == dnnl_success && dnnl_memory_create(&op->blocked, chosen, dnnl_cpu_engine(), DNNL_MEMORY_ALLOCATE) == dnnl_success;
}

/*
 * Creates the primitive of one kind for one geometry, letting oneDNN pick its layouts (format `any`): on the
 * plain NCHW layouts it falls back to gemm:jit (im2col + GEMM, no faster than ours), while blocked layouts get
 * its direct JIT convolutions. 0 when oneDNN declines the geometry.
 */
static int create(Entry *e, const Key *k) {
  const int64_t *g = k->g; /* n c h w kh kw sh sw pt pl dh dw oh ow */
  int64_t n = g[0], c = g[1], h = g[2], w = g[3], kh = g[4], kw = g[5], oh = g[12], ow = g[13];
  int64_t groups = k->groups, o = k->o;
  dnnl_dims_t src_dims = {n, c, h, w}, dst_dims = {n, o, oh, ow};
  dnnl_dims_t strides = {g[6], g[7]}, dilates = {g[10] - 1, g[11] - 1}, pad_l = {g[8], g[9]};
  /* the bottom/right padding that makes the output size come out as core computed it */
  dnnl_dims_t pad_r = {(oh - 1) * g[6] + (kh - 1) * g[10] + 1 - h - g[8], (ow - 1) * g[7] + (kw - 1) * g[11] + 1 - w - g[9]};
  if (pad_r[0] < 0 || pad_r[1] < 0) return 0;
  dnnl_memory_desc_t src, wei, dst, src_any, wei_any, dst_any;
  dnnl_memory_desc_init_by_tag(&src, 4, src_dims, dnnl_f32, dnnl_nchw);
  dnnl_memory_desc_init_by_tag(&dst, 4, dst_dims, dnnl_f32, dnnl_nchw);
  dnnl_memory_desc_init_by_tag(&src_any, 4, src_dims, dnnl_f32, dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&dst_any, 4, dst_dims, dnnl_f32, dnnl_format_tag_any);
  if (groups == 1) {
    dnnl_dims_t wd = {o, c, kh, kw};
    dnnl_memory_desc_init_by_tag(&wei, 4, wd, dnnl_f32, dnnl_oihw);
    dnnl_memory_desc_init_by_tag(&wei_any, 4, wd, dnnl_f32, dnnl_format_tag_any);
  } else {
    dnnl_dims_t wd = {groups, o / groups, c / groups, kh, kw};
    dnnl_memory_desc_init_by_tag(&wei, 5, wd, dnnl_f32, dnnl_goihw);
    dnnl_memory_desc_init_by_tag(&wei_any, 5, wd, dnnl_f32, dnnl_format_tag_any);
  }
  dnnl_convolution_desc_t fwd, bwd;
  dnnl_primitive_desc_t fwd_pd = NULL, pd = NULL;
  if (dnnl_dilated_convolution_forward_desc_init(&fwd, dnnl_forward_training, dnnl_convolution_direct, &src_any, &wei_any, NULL, &dst_any,
                                                 strides, dilates, pad_l, pad_r) != dnnl_success ||
      dnnl_primitive_desc_create(&fwd_pd, &fwd, NULL, dnnl_cpu_engine(), NULL) != dnnl_success)
    return 0;
  dnnl_status_t s = dnnl_success;
  int ok = 1;
  if (k->kind == 0) {
    pd = fwd_pd;
    fwd_pd = NULL;
    ok = bind(&e->op[0], &src, pd, dnnl_query_src_md, 0) && bind(&e->op[1], &wei, pd, dnnl_query_weights_md, 0) &&
         bind(&e->op[2], &dst, pd, dnnl_query_dst_md, 1);
  } else if (k->kind == 1) {
    s = dnnl_dilated_convolution_backward_data_desc_init(&bwd, dnnl_convolution_direct, &src_any, &wei_any, &dst_any, strides, dilates,
                                                         pad_l, pad_r);
    if (s == dnnl_success) s = dnnl_primitive_desc_create(&pd, &bwd, NULL, dnnl_cpu_engine(), fwd_pd);
    ok = s == dnnl_success && bind(&e->op[0], &dst, pd, dnnl_query_diff_dst_md, 0) &&
         bind(&e->op[1], &wei, pd, dnnl_query_weights_md, 0) && bind(&e->op[2], &src, pd, dnnl_query_diff_src_md, 1);
  } else {
    s = dnnl_dilated_convolution_backward_weights_desc_init(&bwd, dnnl_convolution_direct, &src_any, &wei_any, NULL, &dst_any, strides,
                                                            dilates, pad_l, pad_r);
    if (s == dnnl_success) s = dnnl_primitive_desc_create(&pd, &bwd, NULL, dnnl_cpu_engine(), fwd_pd);
    ok = s == dnnl_success && bind(&e->op[0], &src, pd, dnnl_query_src_md, 0) &&
         bind(&e->op[1], &dst, pd, dnnl_query_diff_dst_md, 0) && bind(&e->op[2], &wei, pd, dnnl_query_diff_weights_md, 1);
  }
  if (fwd_pd) dnnl_primitive_desc_destroy(fwd_pd);
  if (ok) ok = dnnl_primitive_create(&e->prim, pd) == dnnl_success;
  if (pd) dnnl_primitive_desc_destroy(pd);
  if (!ok) drop(e);
  return ok;
}

static Entry *lookup(const Key *k) {
  for (int i = 0; i < CACHE; i++)
    if (cache[i].used && memcmp(&cache[i].key, k, sizeof *k) == 0) return &cache[i];
  Entry *e = &cache[next_slot];
  next_slot = (next_slot + 1) % CACHE;
  if (e->used) drop(e);
  if (!create(e, k)) return NULL;
  e->key = *k;
  e->used = 1;
  return e;
}

int dnnl_conv(int kind, const Geom *g, int64_t o, int64_t groups, const void *a, const void *b, void *out) {
  dnnl_engine_t engine = dnnl_cpu_engine();
  if (!engine) return 0;
  Key k;
  memset(&k, 0, sizeof k);
  k.kind = kind;
  memcpy(k.g, g, sizeof k.g);
  k.o = o;
  k.groups = groups;
  Entry *e = lookup(&k);
  if (!e) return 0;
  static const int ARGS[3][3] = {
      {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
      {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
      {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
  };
  void *data[3] = {(void *)a, (void *)b, out};
  dnnl_memory_t user[3] = {NULL, NULL, NULL};
  dnnl_exec_arg_t args[3];
  int ok = 1;
  for (int i = 0; i < 3 && ok; i++) {
    ok = dnnl_memory_create(&user[i], &e->op[i].plain, engine, data[i]) == dnnl_success;
    args[i].arg = ARGS[kind][i];
    args[i].memory = e->op[i].reorder ? e->op[i].blocked : user[i];
  }
  for (int i = 0; i < 2 && ok; i++) {
    if (!e->op[i].reorder) continue;
    dnnl_exec_arg_t r[2] = {{DNNL_ARG_FROM, user[i]}, {DNNL_ARG_TO, e->op[i].blocked}};
    ok = dnnl_run(e->op[i].reorder, 2, r);
  }
  if (ok) ok = dnnl_run(e->prim, 3, args);
  if (ok && e->op[2].reorder) {
    dnnl_exec_arg_t r[2] = {{DNNL_ARG_FROM, e->op[2].blocked}, {DNNL_ARG_TO, user[2]}};
    ok = dnnl_run(e->op[2].reorder, 2, r);
  }
  for (int i = 0; i < 3; i++)
    if (user[i]) dnnl_memory_destroy(user[i]);
  return ok;
}

int dnnl_available(void) { return 1; }

#else

int dnnl_conv(int kind, const Geom *g, int64_t o, int64_t groups, const void *a, const void *b, void *out) { return 0; }
int dnnl_available(void) { return 0; }

#endif
