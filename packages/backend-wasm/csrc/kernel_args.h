/* Generated from src/kernel-args.ts by scripts/gen-kernel-args.mjs; do not edit.
 * The argument structs JS writes for the C tasks (every field 4 bytes on wasm32). */
#pragma once
#include "common.h"

typedef struct {
  i32 n;
  i32 c;
  i32 h;
  i32 w;
  i32 kh;
  i32 kw;
  i32 strideH;
  i32 strideW;
  i32 padTop;
  i32 padLeft;
  i32 dilationH;
  i32 dilationW;
  i32 outH;
  i32 outW;
} ConvGeometry;
_Static_assert(sizeof(ConvGeometry) == 56, "ConvGeometry: 4 bytes a field");

typedef struct {
  i32 dtype;
  void *a;
  void *b;
  void *out;
  void *bias;
  i32 batch;
  i32 m;
  i32 n;
  i32 k;
  i32 transA;
  i32 transB;
  i32 aBatched;
  i32 bBatched;
  i32 relu;
  void *ws;
  i32 wsStride;
} MatmulArgs;
_Static_assert(sizeof(MatmulArgs) == 64, "MatmulArgs: 4 bytes a field");

typedef struct {
  i32 dtype;
  void *x;
  void *out;
  i32 rows;
  i32 cols;
  i32 log;
} SoftmaxArgs;
_Static_assert(sizeof(SoftmaxArgs) == 24, "SoftmaxArgs: 4 bytes a field");

typedef struct {
  i32 op;
  i32 dtype;
  void *x;
  void *out;
  i32 n;
  i32 outElsize;
} UnaryArgs;
_Static_assert(sizeof(UnaryArgs) == 24, "UnaryArgs: 4 bytes a field");

typedef struct {
  i32 op;
  i32 dtype;
  void *a;
  void *b;
  void *out;
  void *desc;
  i32 rows;
} BinaryArgs;
_Static_assert(sizeof(BinaryArgs) == 28, "BinaryArgs: 4 bytes a field");

typedef struct {
  i32 dtype;
  void *x;
  void *cols;
  const ConvGeometry *geo;
  void *padValue;
} Im2colArgs;
_Static_assert(sizeof(Im2colArgs) == 20, "Im2colArgs: 4 bytes a field");

typedef struct {
  i32 dtype;
  void *cols;
  void *x;
  const ConvGeometry *geo;
} Col2imArgs;
_Static_assert(sizeof(Col2imArgs) == 16, "Col2imArgs: 4 bytes a field");

typedef struct {
  i32 dtype;
  void *in0;
  void *in1;
  void *out;
  const ConvGeometry *geo;
  i32 outChannels;
  i32 groups;
  void *ws;
  i32 wsStride;
  void *partials;
} ConvArgs;
_Static_assert(sizeof(ConvArgs) == 40, "ConvArgs: 4 bytes a field");
