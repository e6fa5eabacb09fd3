/**
 * What the C kernels and JS must agree on besides argument structs: the op
 * codes of the unary and binary kernels (their index in core's op tables,
 * UNARY_KERNEL_OP_NAMES / BINARY_OP_NAMES) and the JS functions the kernels import.
 * csrc/op_codes.h is generated from this file and core's tables
 * (scripts/gen-op-codes.mjs, run by build-wasm.sh; check-wasm.sh and a test
 * fail when the committed header differs), so a new table op is a new C enum
 * member, and -Wswitch-enum makes every kernel switch handle it.
 *
 * This module has no imports: the generator loads it on its own.
 */

/**
 * The functions the kernels import from JS (float64 transcendentals Math has
 * and the freestanding C build lacks, and `%` for fmod), by import name: the
 * function, its source text for the worker (which builds its imports from
 * text), and its arity for the C declaration.
 */
export const MATH_IMPORTS = {
  exp: { fn: Math.exp, src: 'Math.exp', arity: 1 },
  log: { fn: Math.log, src: 'Math.log', arity: 1 },
  log1p: { fn: Math.log1p, src: 'Math.log1p', arity: 1 },
  expm1: { fn: Math.expm1, src: 'Math.expm1', arity: 1 },
  sin: { fn: Math.sin, src: 'Math.sin', arity: 1 },
  cos: { fn: Math.cos, src: 'Math.cos', arity: 1 },
  tanh: { fn: Math.tanh, src: 'Math.tanh', arity: 1 },
  pow: { fn: Math.pow, src: 'Math.pow', arity: 2 },
  atan2: { fn: Math.atan2, src: 'Math.atan2', arity: 2 },
  fmod: { fn: (a: number, b: number) => a % b, src: '(a, b) => a % b', arity: 2 },
} as const;

/** The import object's entries (without memory). */
export function mathImports(): Record<string, (...args: number[]) => number> {
  return Object.fromEntries(Object.entries(MATH_IMPORTS).map(([name, m]) => [name, m.fn]));
}

/** The same entries as JS source, for the worker. */
export function mathImportsSource(): string {
  return Object.entries(MATH_IMPORTS)
    .map(([name, m]) => `${name}: ${m.src}`)
    .join(', ');
}

/** C enum member of an op: U_TANH, B_MAXIMUM. */
export const cName = (prefix: 'U' | 'B', op: string): string => `${prefix}_${op.toUpperCase()}`;

/** The header text for the given op name lists (core's UNARY_KERNEL_OP_NAMES, BINARY_OP_NAMES). */
export function opCodesHeader(unary: readonly string[], binary: readonly string[]): string {
  const members = (prefix: 'U' | 'B', ops: readonly string[]) => ops.map((op, i) => `  ${cName(prefix, op)} = ${i},`);
  const lines = [
    "/* Generated from src/op-codes.ts and core's op tables by scripts/gen-op-codes.mjs; do not edit.",
    " * Op codes are the index of the op in core's UNARY_KERNEL_OP_NAMES / BINARY_OP_NAMES. */",
    '#pragma once',
    '',
    'typedef enum {',
    ...members('U', unary),
    '} UnaryOp;',
    '',
    'typedef enum {',
    ...members('B', binary),
    '} BinaryOp;',
    '',
    '/* Imported from JS (module.ts and the worker build the imports from the same list). */',
  ];
  for (const [name, m] of Object.entries(MATH_IMPORTS)) {
    const params = m.arity === 1 ? 'double' : 'double, double';
    lines.push(`__attribute__((import_module("env"), import_name("${name}"))) double js_${name}(${params});`);
  }
  return `${lines.join('\n')}\n`;
}
