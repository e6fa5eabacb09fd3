/*
 * conv2d and its two gradients. float32 goes to oneDNN where the addon was
 * built with it (conv_dnnl.c) and `convWith('onednn')` is in force; else,
 * and for float64, im2col + one GEMM per group: the columns of every image
 * sit side by side ([c*kh*kw, n*outH*outW]), so a batch is a single large
 * OpenBLAS call instead of n small ones.
 */
#include <stdlib.h>
#include <string.h>

#include "native.h"

typedef struct {
  Geom g;
  int dtype;
  int64_t o, groups, cg, og, kg, plane, cols;
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
  c->cols = c->g.c * c->g.kh * c->g.kw * c->g.n * c->plane;
  return 1;
}

static void *scratch(Args *a, int64_t count, int dtype) {
  void *p = NULL;
  if (posix_memalign(&p, 64, (size_t)(count ? count : 1) * DT_SIZE[dtype]) != 0) {
    arg_fail(a, "ENOMEM", "%s: out of memory for %lld column elements", a->kernel, (long long)count);
    return NULL;
  }
  return p;
}

/* Which implementation float32 convolutions use: 1 oneDNN (where built), 0 im2col + GEMM. */
static int use_dnnl = 1;

/*
 * oneDNN ran the pass (float32 only); otherwise the caller runs im2col + GEMM. The filter gradient always
 * takes im2col + GEMM: oneDNN 2.6's (gemm:jit backward_weights) took 330 ms instead of 18 for LeNet's padded
 * first convolution on 2 threads here.
 */
static int try_dnnl(int kind, const Conv *c, const void *a, const void *b, void *out) {
  return use_dnnl && kind != 2 && c->dtype == DT_F32 && dnnl_conv(kind, &c->g, c->o, c->groups, a, b, out);
}

/* [o, n*plane] <-> [n, o, plane]: rows of `plane` elements move between the two layouts. */
static void swap_layout(const Conv *c, const char *src, char *dst, int to_batch_major) {
  size_t row = (size_t)c->plane * DT_SIZE[c->dtype];
  for (int64_t b = 0; b < c->g.n; b++)
    for (int64_t oc = 0; oc < c->o; oc++) {
      size_t wide = (size_t)(oc * c->g.n + b) * row, batch = (size_t)(b * c->o + oc) * row;
      if (to_batch_major) memcpy(dst + batch, src + wide, row);
      else memcpy(dst + wide, src + batch, row);
    }
}

/* conv2d(x, w, dtype, geometry, outChannels, groups) -> [n, o, outH, outW] */
static napi_value k_conv2d(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "conv2d", 6)) return NULL;
  const char *x = arg_buf(&a, 0), *w = arg_buf(&a, 1);
  Conv c;
  if (!read_conv(&a, 2, &c)) return NULL;
  size_t sz = DT_SIZE[c.dtype];
  int64_t np = c.g.n * c.plane;
  void *o;
  napi_value out = buf_new(env, c.dtype, c.g.n * c.o * c.plane, 0, &o);
  if (!out || try_dnnl(0, &c, x, w, o)) return out;
  char *cols = scratch(&a, c.cols, c.dtype), *wide = cols ? scratch(&a, c.o * np, c.dtype) : NULL;
  if (wide) {
    im2col_into(&c.g, c.dtype, x, cols, 0, 1);
    /* wide[group] [og, n*plane] = w[group] [og, kg] · cols[group] [kg, n*plane] */
    for (int64_t gi = 0; gi < c.groups; gi++)
      gemm(c.dtype, 0, 0, c.og, np, c.kg, w + gi * c.og * c.kg * sz, c.kg, cols + gi * c.kg * np * sz, np, 0,
           wide + gi * c.og * np * sz, np);
    swap_layout(&c, wide, o, 1);
  }
  free(cols);
  free(wide);
  return out;
}

/* conv2dBackwardInput(dy, w, dtype, geometry, outChannels, groups) -> dx [n, c, h, w] */
static napi_value k_conv2d_backward_input(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "conv2dBackwardInput", 6)) return NULL;
  const char *dy = arg_buf(&a, 0), *w = arg_buf(&a, 1);
  Conv c;
  if (!read_conv(&a, 2, &c)) return NULL;
  size_t sz = DT_SIZE[c.dtype];
  int64_t np = c.g.n * c.plane;
  void *dx;
  napi_value out = buf_new(env, c.dtype, c.g.n * c.g.c * c.g.h * c.g.w, 1, &dx);
  if (!out || try_dnnl(1, &c, dy, w, dx)) return out;
  char *cols = scratch(&a, c.cols, c.dtype), *wide = cols ? scratch(&a, c.o * np, c.dtype) : NULL;
  if (wide) {
    swap_layout(&c, dy, wide, 0);
    /* cols[group] [kg, n*plane] = w[group]ᵀ (stored [og, kg]) · dy[group] [og, n*plane] */
    for (int64_t gi = 0; gi < c.groups; gi++)
      gemm(c.dtype, 1, 0, c.kg, np, c.og, w + gi * c.og * c.kg * sz, c.kg, wide + gi * c.og * np * sz, np, 0,
           cols + gi * c.kg * np * sz, np);
    col2im_into(&c.g, c.dtype, cols, dx, 1);
  }
  free(cols);
  free(wide);
  return out;
}

/* conv2dBackwardFilter(x, dy, dtype, geometry, outChannels, groups) -> dw [o, c/groups, kh, kw] */
static napi_value k_conv2d_backward_filter(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_get(env, info, &a, "conv2dBackwardFilter", 6)) return NULL;
  const char *x = arg_buf(&a, 0), *dy = arg_buf(&a, 1);
  Conv c;
  if (!read_conv(&a, 2, &c)) return NULL;
  size_t sz = DT_SIZE[c.dtype];
  int64_t np = c.g.n * c.plane;
  void *dw;
  napi_value out = buf_new(env, c.dtype, c.o * c.kg, 1, &dw);
  if (!out || try_dnnl(2, &c, x, dy, dw)) return out;
  char *cols = scratch(&a, c.cols, c.dtype), *wide = cols ? scratch(&a, c.o * np, c.dtype) : NULL;
  if (wide) {
    im2col_into(&c.g, c.dtype, x, cols, 0, 1);
    swap_layout(&c, dy, wide, 0);
    /* dw[group] [og, kg] = dy[group] [og, n*plane] · cols[group]ᵀ (stored [kg, n*plane]) */
    for (int64_t gi = 0; gi < c.groups; gi++)
      gemm(c.dtype, 0, 1, c.og, c.kg, np, wide + gi * c.og * np * sz, np, cols + gi * c.kg * np * sz, np, 0,
           (char *)dw + gi * c.og * c.kg * sz, c.kg);
  }
  free(cols);
  free(wide);
  return out;
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
