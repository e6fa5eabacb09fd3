import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as t from '@tensile/core';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A PyTorch-exported fixture: the .onnx bytes and PyTorch's input and output. */
export function fixture(name: string) {
  const bytes = new Uint8Array(readFileSync(`${dir}${name}.onnx`));
  const expected = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as {
    input: { shape: number[]; data: number[] };
    output: { shape: number[]; data: number[] };
  };
  return { bytes, ...expected };
}

/** The largest absolute difference between two arrays of equal length. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

export const input = (spec: { shape: number[]; data: number[] }) => t.tensor(spec.data).reshape(spec.shape);
