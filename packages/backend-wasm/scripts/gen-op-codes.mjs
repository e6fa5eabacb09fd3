// Writes csrc/op_codes.h from src/op-codes.ts and core's op tables (the op
// names, in order, from @tensile/core's build). With --check it writes
// nothing and fails when the committed header differs. Loads the .ts through
// TypeScript's transpiler: the module has no imports.
// Usage: node scripts/gen-op-codes.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BINARY_OP_NAMES, UNARY_KERNEL_OP_NAMES } from '@tensile/core';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = readFileSync(`${root}src/op-codes.ts`, 'utf8');
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
const { opCodesHeader } = await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
const header = opCodesHeader(UNARY_KERNEL_OP_NAMES, BINARY_OP_NAMES);
const path = `${root}csrc/op_codes.h`;

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {}
  if (committed !== header) {
    console.error(
      "gen-op-codes: csrc/op_codes.h differs from src/op-codes.ts and core's op tables; run node scripts/gen-op-codes.mjs (after building @tensile/core)",
    );
    process.exit(1);
  }
} else {
  writeFileSync(path, header);
}
