import type { TorchCase, TorchFixtureFile } from './types.js';
// Imported statically so that bundlers inline them: the published package needs no file access.
import unary from '../../fixtures/core/unary.json';
import binary from '../../fixtures/core/binary.json';
import reduce from '../../fixtures/core/reduce.json';
import matmul from '../../fixtures/core/matmul.json';
import shape from '../../fixtures/core/shape.json';
import indexing from '../../fixtures/core/indexing.json';
import composite from '../../fixtures/core/composite.json';
import conv2d from '../../fixtures/core/conv2d.json';
import pooling from '../../fixtures/core/pooling.json';
import edge from '../../fixtures/core/edge.json';
import convExt from '../../fixtures/core/conv_ext.json';
import poolExt from '../../fixtures/core/pool_ext.json';
import math from '../../fixtures/core/math.json';
import shapeOps from '../../fixtures/core/shape_ops.json';
import scanSort from '../../fixtures/core/scan_sort.json';
import scatter from '../../fixtures/core/scatter.json';
import batchNorm from '../../fixtures/core/batch_norm.json';

/** The op families that have PyTorch fixtures, one file each. */
export const TORCH_FIXTURE_FAMILIES = [
  'unary',
  'binary',
  'reduce',
  'matmul',
  'shape',
  'indexing',
  'composite',
  'conv2d',
  'pooling',
  'edge',
  'conv_ext',
  'pool_ext',
  'math',
  'shape_ops',
  'scan_sort',
  'scatter',
  'batch_norm',
] as const;

export type TorchFixtureFamily = (typeof TORCH_FIXTURE_FAMILIES)[number];

const FILES: Record<TorchFixtureFamily, TorchFixtureFile> = {
  unary: unary as TorchFixtureFile,
  binary: binary as TorchFixtureFile,
  reduce: reduce as TorchFixtureFile,
  matmul: matmul as TorchFixtureFile,
  shape: shape as TorchFixtureFile,
  indexing: indexing as TorchFixtureFile,
  composite: composite as TorchFixtureFile,
  conv2d: conv2d as TorchFixtureFile,
  pooling: pooling as TorchFixtureFile,
  edge: edge as TorchFixtureFile,
  conv_ext: convExt as TorchFixtureFile,
  pool_ext: poolExt as TorchFixtureFile,
  math: math as TorchFixtureFile,
  shape_ops: shapeOps as TorchFixtureFile,
  scan_sort: scanSort as TorchFixtureFile,
  scatter: scatter as TorchFixtureFile,
  batch_norm: batchNorm as TorchFixtureFile,
};

/**
 * The PyTorch reference cases of one op family, or of all families when none is given.
 *
 * @example
 * for (const c of torchFixtureCases('matmul')) await checkTorchCase(t, c);
 */
export function torchFixtureCases(family?: TorchFixtureFamily): TorchCase[] {
  if (family === undefined) return TORCH_FIXTURE_FAMILIES.flatMap((f) => FILES[f].cases);
  const file = FILES[family];
  if (!file) {
    throw new Error(`torchFixtureCases: unknown family '${String(family)}'; known: ${TORCH_FIXTURE_FAMILIES.join(', ')}`);
  }
  return file.cases;
}
