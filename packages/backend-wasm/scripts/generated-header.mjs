// What the header generators share: loading a src/*.ts module that has no
// imports through TypeScript's transpiler, and writing a generated header or,
// with --check, failing when the committed one differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** The exports of `root/<file>`, a TypeScript module with no imports. */
export async function importTs(file) {
  const source = readFileSync(`${root}${file}`, 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  return import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
}

/** Writes `header` to `root/<file>`; with --check, writes nothing and exits 1 with `stale` when the file differs. */
export function writeOrCheck(file, header, stale) {
  const path = `${root}${file}`;
  if (!process.argv.includes('--check')) {
    writeFileSync(path, header);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {}
  if (committed !== header) {
    console.error(stale);
    process.exit(1);
  }
}
