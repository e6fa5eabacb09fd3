/* Generated from src/op-codes.ts and core's op tables by scripts/gen-op-codes.mjs; do not edit.
 * Op codes are the index of the op in core's UNARY_KERNEL_OP_NAMES / BINARY_OP_NAMES. */
#pragma once

typedef enum {
  U_NEG = 0,
  U_ABS = 1,
  U_SIGN = 2,
  U_SQUARE = 3,
  U_EXP = 4,
  U_LOG = 5,
  U_LOG1P = 6,
  U_EXPM1 = 7,
  U_SQRT = 8,
  U_RSQRT = 9,
  U_RECIPROCAL = 10,
  U_SIN = 11,
  U_COS = 12,
  U_TANH = 13,
  U_SIGMOID = 14,
  U_ERF = 15,
  U_RELU = 16,
  U_FLOOR = 17,
  U_CEIL = 18,
  U_ROUND = 19,
  U_NOT = 20,
  U_ISNAN = 21,
  U_ISINF = 22,
} UnaryOp;

typedef enum {
  B_ADD = 0,
  B_SUB = 1,
  B_MUL = 2,
  B_DIV = 3,
  B_POW = 4,
  B_MAXIMUM = 5,
  B_MINIMUM = 6,
  B_MOD = 7,
  B_ATAN2 = 8,
  B_EQ = 9,
  B_NE = 10,
  B_LT = 11,
  B_LE = 12,
  B_GT = 13,
  B_GE = 14,
  B_AND = 15,
  B_OR = 16,
} BinaryOp;

/* Imported from JS (module.ts and the worker build the imports from the same list). */
__attribute__((import_module("env"), import_name("exp"))) double js_exp(double);
__attribute__((import_module("env"), import_name("log"))) double js_log(double);
__attribute__((import_module("env"), import_name("log1p"))) double js_log1p(double);
__attribute__((import_module("env"), import_name("expm1"))) double js_expm1(double);
__attribute__((import_module("env"), import_name("sin"))) double js_sin(double);
__attribute__((import_module("env"), import_name("cos"))) double js_cos(double);
__attribute__((import_module("env"), import_name("tanh"))) double js_tanh(double);
__attribute__((import_module("env"), import_name("pow"))) double js_pow(double, double);
__attribute__((import_module("env"), import_name("atan2"))) double js_atan2(double, double);
__attribute__((import_module("env"), import_name("fmod"))) double js_fmod(double, double);
