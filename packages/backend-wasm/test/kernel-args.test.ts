/**
 * The C tasks read their arguments through csrc/kernel_args.h, which must be
 * exactly what src/kernel-args.ts generates: an edit to one side alone fails
 * here (and in check-wasm.sh) instead of shifting every field after it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNEL_ARGS, STRUCT_FIELDS, kernelArgsHeader } from '../src/kernel-args.js';

const header = readFileSync(new URL('../csrc/kernel_args.h', import.meta.url), 'utf8');

/** Field names of one typedef in the C header, in order. */
function cFields(name: string): string[] {
  const body = new RegExp(`typedef struct \\{([^}]*)\\} ${name};`).exec(header)?.[1];
  if (body === undefined) throw new Error(`csrc/kernel_args.h has no struct ${name}`);
  return [...body.matchAll(/(\w+);/g)].map((m) => m[1]!);
}

describe('kernel argument structs', () => {
  it('the committed header is the generated one', () => {
    expect(header).toBe(kernelArgsHeader());
  });

  it('each C struct has the TypeScript fields in the same order', () => {
    for (const name of Object.keys(KERNEL_ARGS) as (keyof typeof KERNEL_ARGS)[]) {
      expect(cFields(name), name).toEqual(STRUCT_FIELDS[name]);
    }
  });

  it('every task in tasks.c and conv.c reads a struct of the header, not args[i]', () => {
    const sources = ['tasks.c', 'conv.c'].map((f) => readFileSync(new URL(`../csrc/${f}`, import.meta.url), 'utf8')).join('\n');
    const tasks = [...sources.matchAll(/EXPORT i32 (task_\w+)\(const (\w+) \*args/g)];
    expect(tasks.length).toBe(9);
    for (const [, task, struct] of tasks) expect(Object.keys(KERNEL_ARGS), task).toContain(struct);
    expect(sources).not.toMatch(/args\[\d+\]/);
  });
});
