/**
 * The dataset contract. A map-style dataset has a `length` and `get(i)`; an
 * iterable dataset is anything async-iterable. Either may be synchronous or
 * asynchronous, so a dataset can read from disk or the network.
 *
 * Ownership: tensors returned by `get()` and `getBatch()` are new and belong
 * to the caller (the DataLoader disposes the per-sample ones once it has
 * stacked them into a batch).
 */

import { ArgumentError, type Tensor } from '@tensile/core';

/** A map-style dataset: `length` samples addressed by index (torch.utils.data.Dataset). */
export interface Dataset<T = unknown, B = Collated<T>> {
  /** How many samples there are. */
  readonly length: number;
  /** Sample `index` (0 ≤ index < length); its tensors are the caller's. */
  get(index: number): T | Promise<T>;
  /**
   * Optional fast path: the collated batch of the samples at `indices`, made
   * with as few tensor creations as possible (one per field instead of one
   * per sample). The DataLoader uses it when no custom collate is given; it
   * must equal `defaultCollate(indices.map(get))`.
   */
  getBatch?(indices: readonly number[]): B | Promise<B>;
}

/**
 * The type defaultCollate makes of a list of samples of type T: tensors,
 * numbers, booleans and typed arrays become tensors, strings lists of
 * strings, and arrays and objects are collated field by field.
 */
export type Collated<T> = unknown extends T
  ? unknown
  : T extends Tensor
    ? Tensor
    : T extends number | boolean | Float32Array | Float64Array | Int32Array | Uint8Array
      ? Tensor
      : T extends string
        ? string[]
        : T extends readonly unknown[]
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T extends object
            ? { [K in keyof T]: Collated<T[K]> }
            : T[];

/** A stream of samples with no random access (torch.utils.data.IterableDataset). */
export interface IterableDataset<T = unknown> {
  [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** Sync iterables (arrays, generators) are accepted as iterable datasets too. */
export type AnyIterableDataset<T = unknown> = IterableDataset<T> | Iterable<T>;

/** The sample type of a dataset. */
export type SampleOf<D> = D extends Dataset<infer T, unknown> ? T : D extends AnyIterableDataset<infer T> ? T : never;

/** Whether `d` is a map-style dataset (has a numeric length and get()). */
export function isMapDataset(d: unknown): d is Dataset {
  return typeof d === 'object' && d !== null && typeof (d as Dataset).get === 'function' && typeof (d as Dataset).length === 'number';
}

/** Whether `d` can be iterated (async or sync) and is not map-style. */
export function isIterableDataset(d: unknown): d is AnyIterableDataset {
  if (typeof d !== 'object' || d === null || isMapDataset(d)) return false;
  return (
    typeof (d as IterableDataset)[Symbol.asyncIterator] === 'function' || typeof (d as Iterable<unknown>)[Symbol.iterator] === 'function'
  );
}

/** Checks a sample index against a dataset length, naming the dataset. */
export function checkIndex(name: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new ArgumentError(`${name}.get: index ${index} is out of range [0, ${length})`);
  }
}
