/**
 * The argument structs of the multi-threaded C tasks, declared once: the
 * backend writes them field by field in this order (ArgFrame.struct), and
 * csrc/kernel_args.h, which the C reads them through, is generated from this
 * file (scripts/gen-kernel-args.mjs, run by build-wasm.sh; check-wasm.sh and
 * a test fail when the committed header differs). Every field is 4 bytes on
 * wasm32: `i32` a number, `ptr` a byte offset into memory (`void *` in C),
 * `geometry` a pointer to a ConvGeometry.
 *
 * This module has no imports: the generator loads it on its own.
 */
export type FieldType = 'i32' | 'ptr' | 'geometry';

export const KERNEL_ARGS = {
  /** The fields of core's Conv2dGeometry, in order. */
  ConvGeometry: {
    n: 'i32',
    c: 'i32',
    h: 'i32',
    w: 'i32',
    kh: 'i32',
    kw: 'i32',
    strideH: 'i32',
    strideW: 'i32',
    padTop: 'i32',
    padLeft: 'i32',
    dilationH: 'i32',
    dilationW: 'i32',
    outH: 'i32',
    outW: 'i32',
  },
  /** task_matmul: out[b] = op(a[b]) · op(b[b]) (+ bias, relu); bias 0 = none; ws + tid * wsStride = a thread's packing buffer. */
  MatmulArgs: {
    dtype: 'i32',
    a: 'ptr',
    b: 'ptr',
    out: 'ptr',
    bias: 'ptr',
    batch: 'i32',
    m: 'i32',
    n: 'i32',
    k: 'i32',
    transA: 'i32',
    transB: 'i32',
    aBatched: 'i32',
    bBatched: 'i32',
    relu: 'i32',
    ws: 'ptr',
    wsStride: 'i32',
  },
  /** task_softmax: rows of `cols` floats; log = 1 for log-softmax. */
  SoftmaxArgs: { dtype: 'i32', x: 'ptr', out: 'ptr', rows: 'i32', cols: 'i32', log: 'i32' },
  /** task_unary: outElsize is 1 for the ops that write bool (isnan, isinf), else the input's element size. */
  UnaryArgs: { op: 'i32', dtype: 'i32', x: 'ptr', out: 'ptr', n: 'i32', outElsize: 'i32' },
  /** task_binary: desc is core's layout of a and b ([rank, shape, strides of a, strides of b]; src/backend.ts layoutDesc), split over its `rows`. */
  BinaryArgs: { op: 'i32', dtype: 'i32', a: 'ptr', b: 'ptr', out: 'ptr', desc: 'ptr', rows: 'i32' },
  /** task_im2col: padValue points at one element of dtype. */
  Im2colArgs: { dtype: 'i32', x: 'ptr', cols: 'ptr', geo: 'geometry', padValue: 'ptr' },
  /** task_col2im. */
  Col2imArgs: { dtype: 'i32', cols: 'ptr', x: 'ptr', geo: 'geometry' },
  /**
   * task_conv2d (in0 x, in1 w), task_conv2d_bwd_input (dy, w), task_conv2d_bwd_filter
   * (x, dy; threads past the first write partial filters at `partials`).
   */
  ConvArgs: {
    dtype: 'i32',
    in0: 'ptr',
    in1: 'ptr',
    out: 'ptr',
    geo: 'geometry',
    outChannels: 'i32',
    groups: 'i32',
    ws: 'ptr',
    wsStride: 'i32',
    partials: 'ptr',
  },
} as const satisfies Record<string, Record<string, FieldType>>;

export type StructName = keyof typeof KERNEL_ARGS;
/** The values of one struct, every field required. */
export type StructValues<S extends StructName> = { readonly [F in keyof (typeof KERNEL_ARGS)[S]]: number };

/** Each struct's field names in declaration order. */
export const STRUCT_FIELDS = Object.fromEntries(
  Object.entries(KERNEL_ARGS).map(([name, fields]) => [name, Object.keys(fields)]),
) as unknown as Record<StructName, readonly string[]>;

/** Writes struct `name` at byte offset `ptr` of memory (viewed as `i32`), fields in declared order. */
export function writeStruct<S extends StructName>(i32: Int32Array, ptr: number, name: S, values: StructValues<S>): void {
  const fields = STRUCT_FIELDS[name];
  const at = ptr / 4;
  for (let i = 0; i < fields.length; i++) i32[at + i] = (values as Record<string, number>)[fields[i]!]!;
}

const C_TYPE: Record<FieldType, string> = { i32: 'i32', ptr: 'void *', geometry: 'const ConvGeometry *' };

/** csrc/kernel_args.h: one C typedef per struct, fields in the same order. */
export function kernelArgsHeader(): string {
  const lines = [
    '/* Generated from src/kernel-args.ts by scripts/gen-kernel-args.mjs; do not edit.',
    ' * The argument structs JS writes for the C tasks (every field 4 bytes on wasm32). */',
    '#pragma once',
    '#include "common.h"',
    '',
  ];
  for (const [name, fields] of Object.entries(KERNEL_ARGS)) {
    lines.push('typedef struct {');
    for (const [field, type] of Object.entries(fields)) {
      const ctype = C_TYPE[type as FieldType];
      lines.push(`  ${ctype}${ctype.endsWith('*') ? '' : ' '}${field};`);
    }
    lines.push(`} ${name};`, `_Static_assert(sizeof(${name}) == ${Object.keys(fields).length * 4}, "${name}: 4 bytes a field");`, '');
  }
  return lines.join('\n');
}
