/*
 * conv2d and its two gradients. float32 forward and input-gradient passes go
 * to oneDNN where the addon was built with it (conv_dnnl.c) and
 * `convWith('onednn')` is in force; everything else runs image by image:
 * im2col of one image into a small per-thread buffer that stays in cache,
 * then one GEMM per group straight into that image's output (PyTorch's
 * slow_conv2d scheme). Images are split statically over the threads, each
 * GEMM on one thread; the filter gradient sums per-thread partials in thread
 * order, so a fixed thread count gives the same bits every time.
 */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "native.h"

typedef struct {
  Geom g;
  int dtype;
  int64_t o, groups, cg, og, kg, plane;
} Conv;

static int read_conv(Args *a, size_t first, Conv *c) {
  c->dtype = (int)arg_i64(a, first);
  read_geom(a, first + 1, &c->g);
  c->o = arg_i64(a, first + 2);
  c->groups = arg_i64(a, first + 3);
  if (a->failed) return 0;
  c->cg = c->g.c / c->groups;
  c->og = c->o / c->groups;
  c->kg = c->cg * c->g.kh * c->g.kw;
  c->plane = c->g.oh * c->g.ow;
  return 1;
}

/* Which implementation float32 convolutions use: 1 oneDNN (where built), 0 im2col + GEMM. */
static int use_dnnl = 1;

/*
 * oneDNN ran the pass (float32 only); otherwise the caller runs im2col + GEMM. The filter gradient of a
 * convolution with one input channel per group takes im2col + GEMM: oneDNN 2.6's (jit:avx2, blocked layouts)
 * took 1.56 ms against our 0.62 for LeNet's first convolution ([64, 1, 28, 28] -> 6, 5×5) on one thread here.
 * With more channels oneDNN's is as fast or faster: 0.42 against 0.64 ms for LeNet's second ([64, 6, 12, 12]
 * -> 16), 1.78 against 2.54 for [32, 16, 28, 28] -> 16 (3×3, padded), 0.47 against 0.88 for [32, 3, 32, 32]
 * -> 16; even at [16, 128, 8, 8] -> 128 (4.2 against 4.0).
 */
static int try_dnnl(int kind, const Conv *c, const void *a, const void *b, void *out) {
  return use_dnnl && c->dtype == DT_F32 && (kind != 2 || c->cg > 1) && dnnl_conv(kind, &c->g, c->o, c->groups, a, b, out);
}

/* A 1×1, stride-1, unpadded convolution reads its image as its own columns: no im2col. */
static int pointwise(const Geom *g) {
  return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pl == 0 && g->oh == g->h && g->ow == g->w;
}

enum { MAX_THREADS = 256 };
/* Per-thread column buffers, grown as needed and kept: every training step asks for the same sizes. */
static struct {
  void *p;
  size_t bytes;
} scratch[MAX_THREADS];

static void *thread_scratch(int t, size_t bytes) {
  if (scratch[t].bytes < bytes) {
    free(scratch[t].p);
    scratch[t].p = NULL;
    scratch[t].bytes = 0;
    if (posix_memalign(&scratch[t].p, 64, bytes) != 0) return NULL;
    scratch[t].bytes = bytes;
  }
  return scratch[t].p;
}

/* One pass over images [lo, hi): kind 0 forward (a = x, b = w), 1 input gradient (a = dy, b = w), 2 filter gradient (a = x, b = dy). */
typedef struct {
  const Conv *c;
  int kind;
  const char *a, *b;
  char *out;
  char *partials; /* filter gradient: one [o, kg] block per thread */
  int failed;
} ConvJob;

static void conv_images(ConvJob *j, int t, int64_t lo, int64_t hi) {
  const Conv *c = j->c;
  const Geom *g = &c->g;
  size_t sz = DT_SIZE[c->dtype];
  int64_t in_img = g->c * g->h * g->w, out_img = c->o * c->plane, K = g->c * g->kh * g->kw;
  int direct = pointwise(g);
  char *cols = direct ? NULL : thread_scratch(t, (size_t)(K * c->plane) * sz);
  if (!direct && !cols) {
    j->failed = 1;
    return;
  }
  char *dw = j->kind == 2 ? j->partials + (size_t)(t * c->o * c->kg) * sz : NULL;
  for (int64_t img = lo; img < hi; img++) {
    if (j->kind == 0) {
      const char *x = j->a + (size_t)(img * in_img) * sz, *src = direct ? x : cols;
      if (!direct) im2col_image(g, c->dtype, x, cols, 0);
      /* out[img] [og, plane] = w[group] [og, kg] · cols[group] [kg, plane] */
      for (int64_t gi = 0; gi < c->groups; gi++)
        gemm(c->dtype, 0, 0, c->og, c->plane, c->kg, j->b + (size_t)(gi * c->og * c->kg) * sz, c->kg,
             src + (size_t)(gi * c->kg * c->plane) * sz, c->plane, 0, j->out + (size_t)(img * out_img + gi * c->og * c->plane) * sz,
             c->plane);
    } else if (j->kind == 1) {
      char *dx = j->out + (size_t)(img * in_img) * sz, *dst = direct ? dx : cols;
      /* cols[group] [kg, plane] = w[group]ᵀ (stored [og, kg]) · dy[img, group] [og, plane] */
      for (int64_t gi = 0; gi < c->groups; gi++)
        gemm(c->dtype, 1, 0, c->kg, c->plane, c->og, j->b + (size_t)(gi * c->og * c->kg) * sz, c->kg,
             j->a + (size_t)(img * out_img + gi * c->og * c->plane) * sz, c->plane, 0, dst + (size_t)(gi * c->kg * c->plane) * sz,
             c->plane);
      if (!direct) col2im_image(g, c->dtype, cols, dx);
    } else {
      const char *x = j->a + (size_t)(img * in_img) * sz, *src = direct ? x : cols;
      if (!direct) im2col_image(g, c->dtype, x, cols, 0);
      /* dw[group] [og, kg] += dy[img, group] [og, plane] · cols[group]ᵀ (stored [kg, plane]) */
      for (int64_t gi = 0; gi < c->groups; gi++)
        gemm(c->dtype, 0, 1, c->og, c->kg, c->plane, j->b + (size_t)(img * out_img + gi * c->og * c->plane) * sz, c->plane,
             src + (size_t)(gi * c->kg * c->plane) * sz, c->plane, 1, dw + (size_t)(gi * c->og * c->kg) * sz, c->kg);
    }
  }
}

/*
 * Runs one pass over every image: on the calling thread for a small batch, else images split over the threads
 * with OpenBLAS held to one thread meanwhile (each GEMM is small; the threads are busy with images).
 * `out` is zeroed by the caller for the input gradient; the filter gradient is summed here.
 */
static int conv_pass(const Conv *c, int kind, const char *a, const char *b, char *out) {
  const Geom *g = &c->g;
  size_t sz = DT_SIZE[c->dtype];
  int64_t work = g->n * c->o * c->plane * c->kg;
  int nt = g_threads < g->n ? g_threads : (int)g->n;
  if (nt > MAX_THREADS) nt = MAX_THREADS;
  if (work < PAR_MIN || nt < 1) nt = 1;
  ConvJob j = {c, kind, a, b, out, NULL, 0};
  size_t dw_bytes = (size_t)(c->o * c->kg) * sz;
  if (kind == 2) {
    if (nt == 1) j.partials = out; /* accumulate straight into the zeroed output */
    else if (!(j.partials = calloc((size_t)nt, dw_bytes ? dw_bytes : 1))) return 0;
  }
  if (nt == 1) {
    conv_images(&j, 0, 0, g->n);
  } else {
    openblas_set_num_threads(1);
#pragma omp parallel num_threads(nt)
    {
      int t = omp_get_thread_num(), count = omp_get_num_threads();
      conv_images(&j, t, g->n * t / count, g->n * (t + 1) / count);
    }
    openblas_set_num_threads(g_threads);
    if (kind == 2) {
      /* the zeroed output += each thread's partial, in thread order (int32 wraps) */
#define SUM_PARTIALS(T)                                                        \
  for (int t = 0; t < nt; t++) {                                               \
    const T *p = (const T *)(j.partials + t * dw_bytes);                       \
    for (int64_t i = 0; i < c->o * c->kg; i++) ((T *)out)[i] += p[i];          \
  }
      if (c->dtype == DT_F32) SUM_PARTIALS(float)
      else if (c->dtype == DT_F64) SUM_PARTIALS(double)
      else SUM_PARTIALS(uint32_t)
#undef SUM_PARTIALS
      free(j.partials);
    }
  }
  return !j.failed;
}

/* The common body of the three kernels: arguments, a zeroed or raw output, oneDNN or the image loop. */
static napi_value conv_kernel(napi_env env, napi_callback_info info, const char *name, int kind) {
  Args a;
  if (!args_get(env, info, &a, name, 6)) return NULL;
  const char *in0 = arg_buf(&a, 0), *in1 = arg_buf(&a, 1);
  Conv c;
  if (!read_conv(&a, 2, &c)) return NULL;
  int64_t count = kind == 0 ? c.g.n * c.o * c.plane : kind == 1 ? c.g.n * c.g.c * c.g.h * c.g.w : c.o * c.kg;
  void *o;
  /* the input gradient adds columns into dx and the filter gradient sums images: both start from zeros */
  napi_value out = buf_new(env, c.dtype, count, kind != 0 || c.kg == 0, &o);
  if (!out || count == 0 || try_dnnl(kind, &c, in0, in1, o)) return out;
  if (!conv_pass(&c, kind, in0, in1, o)) {
    arg_fail(&a, "ENOMEM", "%s: out of memory for the columns of %lld×%lld elements", name, (long long)(c.g.c * c.g.kh * c.g.kw),
             (long long)c.plane);
    return NULL;
  }
  return out;
}

/* conv2d(x, w, dtype, geometry, outChannels, groups) -> [n, o, outH, outW] */
static napi_value k_conv2d(napi_env env, napi_callback_info info) { return conv_kernel(env, info, "conv2d", 0); }

/* conv2dBackwardInput(dy, w, dtype, geometry, outChannels, groups) -> dx [n, c, h, w] */
static napi_value k_conv2d_backward_input(napi_env env, napi_callback_info info) {
  return conv_kernel(env, info, "conv2dBackwardInput", 1);
}

/* conv2dBackwardFilter(x, dy, dtype, geometry, outChannels, groups) -> dw [o, c/groups, kh, kw] */
static napi_value k_conv2d_backward_filter(napi_env env, napi_callback_info info) {
  return conv_kernel(env, info, "conv2dBackwardFilter", 2);
}

/* convWith(name?) -> the implementation in force ('onednn' | 'im2col'), after switching to `name` if given. */
static napi_value k_conv_with(napi_env env, napi_callback_info info) {
  Args a;
  args_get(env, info, &a, "convWith", 0);
  if (a.argc > 0) {
    char name[16] = {0};
    size_t len;
    napi_get_value_string_utf8(env, a.argv[0], name, sizeof name, &len);
    if (strcmp(name, "onednn") == 0 && !dnnl_available()) {
      arg_fail(&a, NULL, "convWith: this build has no oneDNN (libdnnl-dev was missing when it was compiled)");
      return NULL;
    }
    use_dnnl = strcmp(name, "onednn") == 0;
  }
  napi_value v;
  napi_create_string_utf8(env, use_dnnl && dnnl_available() ? "onednn" : "im2col", NAPI_AUTO_LENGTH, &v);
  return v;
}

const Export CONV_EXPORTS[] = {
    {"convWith", k_conv_with},
    {"conv2d", k_conv2d},
    {"conv2dBackwardInput", k_conv2d_backward_input},
    {"conv2dBackwardFilter", k_conv2d_backward_filter},
    {NULL, NULL},
};
