// Writes csrc/kernel_args.h from src/kernel-args.ts (the one description of
// the C tasks' argument structs). With --check it writes nothing and fails
// when the committed header differs. Loads the .ts through TypeScript's
// transpiler: the module has no imports.
// Usage: node scripts/gen-kernel-args.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = readFileSync(`${root}src/kernel-args.ts`, 'utf8');
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
const { kernelArgsHeader } = await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
const header = kernelArgsHeader();
const path = `${root}csrc/kernel_args.h`;

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {}
  if (committed !== header) {
    console.error('gen-kernel-args: csrc/kernel_args.h differs from src/kernel-args.ts; run node scripts/gen-kernel-args.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(path, header);
}
