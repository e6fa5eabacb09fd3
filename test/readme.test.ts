import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

/**
 * The README's TypeScript examples, run as written: each ```ts block is
 * saved as a module and imported, so an example that stops working fails
 * the suite.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const dir = `${root}test/.readme-examples`;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('has TypeScript examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(2);
});

blocks.forEach((code, i) => {
  it(`README example ${i + 1} runs`, async () => {
    mkdirSync(dir, { recursive: true });
    const file = `${dir}/example-${i + 1}.ts`;
    writeFileSync(file, code);
    const logs: unknown[][] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void logs.push(args);
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      console.log = original;
    }
    // Examples print what they promise in their comments.
    if (code.includes('// [[7, 11], [9, 13]]'))
      expect(logs[0][0]).toEqual([
        [7, 11],
        [9, 13],
      ]);
    if (code.includes('test accuracy')) {
      const accuracy = Number(String(logs.at(-1)![0]).split(' ').at(-1));
      expect(accuracy).toBeGreaterThan(0.7);
    }
  }, 120_000);
});
