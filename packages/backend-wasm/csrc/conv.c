/* im2col / col2im and conv2d (forward and both gradients) as im2col + GEMM
 * per image. Each thread takes a range of images and owns its workspace. */
#include "common.h"
#include "gemm.h"
#include "kernel_args.h"

static const i32 ELSIZE[4] = {4, 8, 4, 1};

/* One image [c, h, w] -> cols [c*kh*kw, oh*ow]; padv points at one element. */
#define IM2COL(T)                                                                          \
  static void im2col_##T(const T *x, T *cols, const ConvGeometry *g, T pv) {               \
    i32 ohw = g->outH * g->outW;                                                           \
    for (i32 ci = 0; ci < g->c; ci++) {                                                    \
      const T *xc = x + (size_t)ci * g->h * g->w;                                          \
      for (i32 i = 0; i < g->kh; i++) {                                                    \
        for (i32 j = 0; j < g->kw; j++) {                                                  \
          T *row = cols + (size_t)((ci * g->kh + i) * g->kw + j) * ohw;                    \
          for (i32 oh = 0; oh < g->outH; oh++) {                                           \
            T *o = row + oh * g->outW;                                                     \
            i32 ih = oh * g->strideH - g->padTop + i * g->dilationH;                       \
            if (ih < 0 || ih >= g->h) {                                                    \
              for (i32 ow = 0; ow < g->outW; ow++) o[ow] = pv;                             \
              continue;                                                                    \
            }                                                                              \
            const T *xr = xc + (size_t)ih * g->w;                                          \
            i32 iw0 = j * g->dilationW - g->padLeft;                                       \
            for (i32 ow = 0; ow < g->outW; ow++) {                                         \
              i32 iw = iw0 + ow * g->strideW;                                              \
              o[ow] = (iw >= 0 && iw < g->w) ? xr[iw] : pv;                                \
            }                                                                              \
          }                                                                                \
        }                                                                                  \
      }                                                                                    \
    }                                                                                      \
  }

/* cols [c*kh*kw, oh*ow] summed into one zeroed image [c, h, w]. */
#define COL2IM(T)                                                                          \
  static void col2im_##T(const T *cols, T *x, const ConvGeometry *g) {                     \
    i32 ohw = g->outH * g->outW;                                                           \
    for (size_t q = 0; q < (size_t)g->c * g->h * g->w; q++) x[q] = 0;                      \
    for (i32 ci = 0; ci < g->c; ci++) {                                                    \
      T *xc = x + (size_t)ci * g->h * g->w;                                                \
      for (i32 i = 0; i < g->kh; i++) {                                                    \
        for (i32 j = 0; j < g->kw; j++) {                                                  \
          const T *row = cols + (size_t)((ci * g->kh + i) * g->kw + j) * ohw;              \
          for (i32 oh = 0; oh < g->outH; oh++) {                                           \
            i32 ih = oh * g->strideH - g->padTop + i * g->dilationH;                       \
            if (ih < 0 || ih >= g->h) continue;                                            \
            const T *o = row + oh * g->outW;                                               \
            T *xr = xc + (size_t)ih * g->w;                                                \
            i32 iw0 = j * g->dilationW - g->padLeft;                                       \
            for (i32 ow = 0; ow < g->outW; ow++) {                                         \
              i32 iw = iw0 + ow * g->strideW;                                              \
              if (iw >= 0 && iw < g->w) xr[iw] += o[ow];                                   \
            }                                                                              \
          }                                                                                \
        }                                                                                  \
      }                                                                                    \
    }                                                                                      \
  }

IM2COL(f32)
IM2COL(f64)
IM2COL(i32)
IM2COL(u8)
COL2IM(f32)
COL2IM(f64)
COL2IM(i32)

static i32 im2col_image(i32 dtype, const void *x, void *cols, const ConvGeometry *g, const void *padv) {
  switch ((DType)dtype) {
    case DT_F32: im2col_f32(x, cols, g, *(const f32 *)padv); return K_OK;
    case DT_F64: im2col_f64(x, cols, g, *(const f64 *)padv); return K_OK;
    case DT_I32: im2col_i32(x, cols, g, *(const i32 *)padv); return K_OK;
    case DT_BOOL: im2col_u8(x, cols, g, *(const u8 *)padv); return K_OK;
    default: return K_BAD_DTYPE;
  }
}

static i32 col2im_image(i32 dtype, const void *cols, void *x, const ConvGeometry *g) {
  switch ((DType)dtype) {
    case DT_F32: col2im_f32(cols, x, g); return K_OK;
    case DT_F64: col2im_f64(cols, x, g); return K_OK;
    case DT_I32: col2im_i32(cols, x, g); return K_OK;
    case DT_BOOL: return K_UNSUPPORTED;
    default: return K_BAD_DTYPE;
  }
}

/* The element size of a dtype code, 0 for a code outside the enum. */
INLINE i32 elsize_of(i32 dtype) { return (uint32_t)dtype <= DT_BOOL ? ELSIZE[dtype] : 0; }

INLINE void split(i32 total, i32 tid, i32 nt, i32 *lo, i32 *hi) {
  *lo = (i32)((int64_t)total * tid / nt);
  *hi = (i32)((int64_t)total * (tid + 1) / nt);
}

/* Each thread owns whole images of the output (threads never write the same element). */
EXPORT i32 task_im2col(const Im2colArgs *args, i32 tid, i32 nt) {
  i32 dtype = args->dtype;
  const ConvGeometry *g = args->geo;
  i32 es = elsize_of(dtype);
  if (!es) return K_BAD_DTYPE;
  size_t inImg = (size_t)g->c * g->h * g->w * es, colImg = (size_t)g->c * g->kh * g->kw * g->outH * g->outW * es;
  i32 n0, n1;
  split(g->n, tid, nt, &n0, &n1);
  for (i32 q = n0; q < n1; q++) {
    i32 st = im2col_image(dtype, (const char *)args->x + q * inImg, (char *)args->cols + q * colImg, g, args->padValue);
    if (st != K_OK) return st;
  }
  return K_OK;
}

/* Overlapping windows accumulate only within
 * one image, and each thread owns whole output images, so no element is
 * written by two threads. */
EXPORT i32 task_col2im(const Col2imArgs *args, i32 tid, i32 nt) {
  i32 dtype = args->dtype;
  const ConvGeometry *g = args->geo;
  i32 es = elsize_of(dtype);
  if (!es) return K_BAD_DTYPE;
  size_t inImg = (size_t)g->c * g->h * g->w * es, colImg = (size_t)g->c * g->kh * g->kw * g->outH * g->outW * es;
  i32 n0, n1;
  split(g->n, tid, nt, &n0, &n1);
  for (i32 q = n0; q < n1; q++) {
    i32 st = col2im_image(dtype, (const char *)args->cols + q * colImg, (char *)args->x + q * inImg, g);
    if (st != K_OK) return st;
  }
  return K_OK;
}

/* True when im2col is the identity (1x1 kernel, stride 1, no padding). */
INLINE i32 is_pointwise(const ConvGeometry *g) {
  return g->kh == 1 && g->kw == 1 && g->strideH == 1 && g->strideW == 1 && g->padTop == 0 && g->padLeft == 0 &&
         g->outH == g->h && g->outW == g->w;
}

/* Bytes of workspace per thread for the conv tasks. */
EXPORT i32 conv_workspace(i32 dtype, const ConvGeometry *g, i32 outChannels, i32 groups) {
  i32 es = elsize_of(dtype);
  i32 ckk = g->c * g->kh * g->kw, ohw = g->outH * g->outW;
  i32 cgkk = ckk / groups, og = outChannels / groups;
  /* The largest GEMM: n is ohw (forward, backward input) or cgkk (filter). */
  i32 n = ohw > cgkk ? ohw : cgkk;
  i32 k = og > ohw ? og : ohw;
  k = k > cgkk ? k : cgkk;
  return ckk * ohw * es + sgemm_workspace(n, k) * 4 + 64;
}

/* in0 x, in1 w; threads own whole output images. */
EXPORT i32 task_conv2d(const ConvArgs *args, i32 tid, i32 nt) {
  i32 dtype = args->dtype, O = args->outChannels, G = args->groups;
  const ConvGeometry *g = args->geo;
  i32 es = elsize_of(dtype);
  if (!es || dtype == DT_BOOL) return es ? K_UNSUPPORTED : K_BAD_DTYPE;
  char *cols = (char *)args->ws + (size_t)tid * args->wsStride;
  i32 ckk = g->c * g->kh * g->kw, ohw = g->outH * g->outW, cgkk = ckk / G, og = O / G;
  char *gws = cols + (size_t)ckk * ohw * es;
  i32 pw = is_pointwise(g);
  const u8 zero[8] = {0};
  i32 n0, n1;
  split(g->n, tid, nt, &n0, &n1);
  for (i32 q = n0; q < n1; q++) {
    const char *x = (const char *)args->in0 + (size_t)q * g->c * g->h * g->w * es;
    const char *B = x;
    if (!pw) {
      im2col_image(dtype, x, cols, g, zero);
      B = cols;
    }
    char *out = (char *)args->out + (size_t)q * O * ohw * es;
    for (i32 gi = 0; gi < G; gi++) {
      /* out_g [og, ohw] = W_g [og, cgkk] . cols_g [cgkk, ohw] */
      gemm_rows(dtype, (const char *)args->in1 + (size_t)gi * og * cgkk * es, B + (size_t)gi * cgkk * ohw * es,
                out + (size_t)gi * og * ohw * es, og, ohw, cgkk, 0, 0, 0, og, 0, gws);
    }
  }
  return K_OK;
}

/* in0 dy, in1 w, out dx; threads own whole images of dx (col2im into the thread's own image). */
EXPORT i32 task_conv2d_bwd_input(const ConvArgs *args, i32 tid, i32 nt) {
  i32 dtype = args->dtype, O = args->outChannels, G = args->groups;
  const ConvGeometry *g = args->geo;
  i32 es = elsize_of(dtype);
  if (!es || dtype == DT_BOOL) return es ? K_UNSUPPORTED : K_BAD_DTYPE;
  char *cols = (char *)args->ws + (size_t)tid * args->wsStride;
  i32 ckk = g->c * g->kh * g->kw, ohw = g->outH * g->outW, cgkk = ckk / G, og = O / G;
  char *gws = cols + (size_t)ckk * ohw * es;
  i32 pw = is_pointwise(g);
  i32 n0, n1;
  split(g->n, tid, nt, &n0, &n1);
  for (i32 q = n0; q < n1; q++) {
    const char *dy = (const char *)args->in0 + (size_t)q * O * ohw * es;
    char *dx = (char *)args->out + (size_t)q * g->c * g->h * g->w * es;
    char *C = pw ? dx : cols;
    for (i32 gi = 0; gi < G; gi++) {
      /* dcols_g [cgkk, ohw] = W_g^T . dy_g, W_g stored [og, cgkk] */
      gemm_rows(dtype, (const char *)args->in1 + (size_t)gi * og * cgkk * es, dy + (size_t)gi * og * ohw * es,
                C + (size_t)gi * cgkk * ohw * es, cgkk, ohw, og, 1, 0, 0, cgkk, 0, gws);
    }
    if (!pw) col2im_image(dtype, cols, dx, g);
  }
  return K_OK;
}

/* in0 x, in1 dy, out dw. Thread 0 writes dw; thread t > 0 writes its partial sum at
 * partials + (t-1) * |dw|, which JS then adds into dw. */
EXPORT i32 task_conv2d_bwd_filter(const ConvArgs *args, i32 tid, i32 nt) {
  i32 dtype = args->dtype, O = args->outChannels, G = args->groups;
  const ConvGeometry *g = args->geo;
  i32 es = elsize_of(dtype);
  if (!es || dtype == DT_BOOL) return es ? K_UNSUPPORTED : K_BAD_DTYPE;
  char *cols = (char *)args->ws + (size_t)tid * args->wsStride;
  i32 ckk = g->c * g->kh * g->kw, ohw = g->outH * g->outW, cgkk = ckk / G, og = O / G;
  char *gws = cols + (size_t)ckk * ohw * es;
  char *dw = tid == 0 ? (char *)args->out : (char *)args->partials + (size_t)(tid - 1) * O * cgkk * es;
  i32 pw = is_pointwise(g);
  const u8 zero[8] = {0};
  i32 n0, n1;
  split(g->n, tid, nt, &n0, &n1);
  if (n0 == n1) memset(dw, 0, (size_t)O * cgkk * es);
  for (i32 q = n0; q < n1; q++) {
    const char *x = (const char *)args->in0 + (size_t)q * g->c * g->h * g->w * es;
    const char *dy = (const char *)args->in1 + (size_t)q * O * ohw * es;
    const char *B = x;
    if (!pw) {
      im2col_image(dtype, x, cols, g, zero);
      B = cols;
    }
    for (i32 gi = 0; gi < G; gi++) {
      /* dW_g [og, cgkk] += dy_g [og, ohw] . cols_g^T, cols_g stored [cgkk, ohw] */
      gemm_rows(dtype, dy + (size_t)gi * og * ohw * es, B + (size_t)gi * cgkk * ohw * es,
                dw + (size_t)gi * og * cgkk * es, og, cgkk, ohw, 0, 1, 0, og, q > n0, gws);
    }
  }
  return K_OK;
}

/* dst[i] += src[i] for n elements of a numeric dtype. */
EXPORT i32 add_into(i32 dtype, void *dst, const void *src, i32 n) {
  switch ((DType)dtype) {
    case DT_F32: {
      f32 *d = dst;
      const f32 *s = src;
      for (i32 i = 0; i < n; i++) d[i] += s[i];
      return K_OK;
    }
    case DT_F64: {
      f64 *d = dst;
      const f64 *s = src;
      for (i32 i = 0; i < n; i++) d[i] += s[i];
      return K_OK;
    }
    case DT_I32: {
      i32 *d = dst;
      const i32 *s = src;
      for (i32 i = 0; i < n; i++) d[i] += s[i];
      return K_OK;
    }
    case DT_BOOL: return K_UNSUPPORTED;
    default: return K_BAD_DTYPE;
  }
}
