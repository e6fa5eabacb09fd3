/**
 * The C op enums and JS math imports in csrc/op_codes.h must be what
 * src/op-codes.ts generates from core's op tables: a table edit without a
 * regenerated header fails here (and in check-wasm.sh) instead of shifting
 * every op code after it.
 */
import { readFileSync } from 'node:fs';
import { BINARY_OP_NAMES, UNARY_KERNEL_OP_NAMES } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { MATH_IMPORTS, opCodesHeader } from '../src/op-codes.js';

const header = readFileSync(new URL('../csrc/op_codes.h', import.meta.url), 'utf8');

describe('op codes and math imports', () => {
  it('the committed header is the one generated from core tables', () => {
    expect(header).toBe(opCodesHeader(UNARY_KERNEL_OP_NAMES, BINARY_OP_NAMES));
  });

  it('numbers U_TANH and B_MAXIMUM by their place in the tables', () => {
    expect(header).toContain(`U_TANH = ${UNARY_KERNEL_OP_NAMES.indexOf('tanh')},`);
    expect(header).toContain(`B_MAXIMUM = ${BINARY_OP_NAMES.indexOf('maximum')},`);
  });

  it('every function the committed modules import from env is in the one list', () => {
    const bytes = readFileSync(new URL('../src/generated/single.wasm', import.meta.url));
    const imported = WebAssembly.Module.imports(new WebAssembly.Module(bytes))
      .filter((i) => i.module === 'env' && i.kind === 'function')
      .map((i) => i.name)
      .sort();
    expect(imported).toEqual(Object.keys(MATH_IMPORTS).sort());
  });
});
