import * as t from '@tensile/core';
import { defaultCollate, disposeConsumed } from './collate.js';
import { isIterableDataset, isMapDataset, type AnyIterableDataset, type Collated, type Dataset } from './dataset.js';

export interface DataLoaderOptions<T, B = Collated<T>> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Draw a new random order every epoch (default false; map-style datasets only). */
  shuffle?: boolean;
  /**
   * Seed of the shuffle. Epoch e's order is a function of (seed, e) only, so
   * it is reproducible and resumable. Default: drawn from t.defaultRng(), so
   * t.manualSeed() makes it reproducible too.
   */
  seed?: number;
  /** Drop the last batch of an epoch when it is short (default false). */
  dropLast?: boolean;
  /** Joins a list of samples into a batch (default: defaultCollate). */
  collate?: (samples: T[]) => B;
  /** Batches loaded ahead while the caller works on the current one (default 1; 0 turns it off). */
  prefetch?: number;
}

/** What `DataLoader.stateDict()` returns: plain JSON, saved in checkpoints. */
export interface DataLoaderState {
  /** The epoch the next batch belongs to (0-based). */
  epoch: number;
  /** Batches of that epoch already delivered. */
  position: number;
  /** The shuffle seed. */
  seed: number;
  shuffle: boolean;
  batchSize: number;
  dropLast: boolean;
  /** Dataset length when saved (null for iterable datasets), checked on load. */
  datasetLength: number | null;
}

/**
 * Batches a dataset (torch.utils.data.DataLoader), with a seeded, resumable
 * shuffle and asynchronous prefetch.
 *
 * Each `for await` runs the rest of the current epoch: a fresh loader starts
 * epoch 0, a finished epoch is followed by the next, and an epoch left early
 * (`break`, or a checkpoint restored with `loadStateDict`) resumes at the
 * batch it stopped at.
 *
 * Batches are new tensors that belong to the caller: dispose them (t.dispose(batch))
 * when done; `fit` in @tensile/train does this for you.
 *
 * @example
 * const loader = new DataLoader(mnist({ split: 'train' }), { batchSize: 128, shuffle: true, seed: 0 });
 * for await (const { x, y } of loader) { ... t.dispose([x, y]); }   // x [128,1,28,28], y int32 [128]
 * const state = loader.stateDict(); // { epoch, position, seed, ... }, JSON
 */
export class DataLoader<T = unknown, B = Collated<T>> implements AsyncIterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly prefetch: number;
  private shuffleSeed: number;
  private readonly collate?: (samples: T[]) => B;
  private epochIndex = 0;
  private position = 0;
  private running = false;

  // The dataset's batch type is not used to infer B: a custom collate decides it (and getBatch is then unused).
  constructor(
    readonly dataset: Dataset<T, unknown> | AnyIterableDataset<T>,
    options: DataLoaderOptions<T, B> = {},
  ) {
    const map = isMapDataset(dataset);
    if (!map && !isIterableDataset(dataset)) {
      throw new t.ArgumentError('DataLoader: dataset must have length and get(i), or be (async) iterable');
    }
    this.batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new t.ArgumentError(`DataLoader: batchSize must be a positive integer, got ${options.batchSize}`);
    }
    this.prefetch = options.prefetch ?? 1;
    if (!Number.isInteger(this.prefetch) || this.prefetch < 0) {
      throw new t.ArgumentError(`DataLoader: prefetch must be a non-negative integer, got ${options.prefetch}`);
    }
    this.shuffle = options.shuffle ?? false;
    if (this.shuffle && !map)
      throw new t.ArgumentError('DataLoader: shuffle needs a map-style dataset (length and get); an iterable dataset has no random access');
    this.dropLast = options.dropLast ?? false;
    this.shuffleSeed = options.seed ?? t.defaultRng().nextUint32();
    if (!Number.isInteger(this.shuffleSeed)) throw new t.ArgumentError(`DataLoader: seed must be an integer, got ${options.seed}`);
    this.collate = options.collate;
  }

  /** Batches per epoch (map-style datasets only). */
  get length(): number {
    const n = this.mapDataset('length').length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The shuffle seed (restored by loadStateDict). */
  get seed(): number {
    return this.shuffleSeed;
  }

  /** The epoch the next batch comes from (0-based). */
  get epoch(): number {
    return this.epochIndex;
  }

  /** The sample order of an epoch: a permutation when shuffling, else 0..n-1. */
  order(epoch: number): Int32Array {
    const n = this.mapDataset('order').length;
    if (!this.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
    // Mixing the epoch into the seed (then splitmix inside Rng) gives every epoch its own stream.
    return new t.Rng((this.seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0).permutation(n);
  }

  stateDict(): DataLoaderState {
    return {
      epoch: this.epochIndex,
      position: this.position,
      seed: this.seed,
      shuffle: this.shuffle,
      batchSize: this.batchSize,
      dropLast: this.dropLast,
      datasetLength: isMapDataset(this.dataset) ? this.dataset.length : null,
    };
  }

  /** Restores a state from stateDict(); the next `for await` resumes at that batch. */
  loadStateDict(state: DataLoaderState): void {
    this.checkStateDict(state, 'DataLoader.loadStateDict');
    this.shuffleSeed = state.seed;
    this.epochIndex = state.epoch;
    this.position = state.position;
  }

  /**
   * Throws (naming the field) unless loadStateDict would accept `state`;
   * changes nothing, so a checkpoint can check every part before applying any.
   */
  checkStateDict(state: unknown, where = 'DataLoader.checkStateDict'): void {
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      throw new t.ArgumentError(`${where}: expected an object, got ${JSON.stringify(state) ?? String(state)}`);
    }
    const s = state as Record<string, unknown>;
    const known = new Set(['epoch', 'position', 'seed', 'shuffle', 'batchSize', 'dropLast', 'datasetLength']);
    for (const key of Object.keys(s)) if (!known.has(key)) throw new t.ArgumentError(`${where}: unknown field ${JSON.stringify(key)}`);
    for (const key of ['epoch', 'position'] as const) {
      if (!Number.isSafeInteger(s[key]) || (s[key] as number) < 0) {
        throw new t.ArgumentError(`${where}: ${key} must be a non-negative integer, got ${JSON.stringify(s[key]) ?? String(s[key])}`);
      }
    }
    if (!Number.isInteger(s.seed) || (s.seed as number) < 0 || (s.seed as number) > 0xffffffff) {
      throw new t.ArgumentError(`${where}: seed must be an unsigned 32-bit integer, got ${JSON.stringify(s.seed) ?? String(s.seed)}`);
    }
    const own = this.stateDict();
    for (const key of ['shuffle', 'batchSize', 'dropLast', 'datasetLength'] as const) {
      if (s[key] !== undefined && s[key] !== own[key]) {
        throw new t.ArgumentError(`${where}: the state was saved with ${key} ${JSON.stringify(s[key])}, this loader has ${own[key]}`);
      }
    }
    if (this.running) throw new t.ArgumentError(`${where}: the loader is being iterated`);
    if (isMapDataset(this.dataset) && (s.position as number) > this.length) {
      throw new t.ArgumentError(`${where}: position ${s.position} is past the ${this.length} batches of an epoch`);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    return this.epochBatches();
  }

  private async *epochBatches(): AsyncGenerator<B> {
    if (this.running) throw new t.ArgumentError('DataLoader: already being iterated; finish (or break out of) that loop first');
    this.running = true;
    try {
      if (isMapDataset(this.dataset)) yield* this.mapEpoch(this.dataset as Dataset<T, B>);
      else yield* this.iterableEpoch(this.dataset as AnyIterableDataset<T>);
    } finally {
      this.running = false;
    }
  }

  private async *mapEpoch(dataset: Dataset<T, B>): AsyncGenerator<B> {
    const total = this.length;
    if (total > 0 && this.position >= total) this.nextEpoch(); // the previous epoch was finished
    const order = this.order(this.epochIndex);
    const pending: Promise<B>[] = [];
    let next = this.position;
    try {
      while (next < total || pending.length > 0) {
        while (pending.length <= this.prefetch && next < total) {
          const start = next * this.batchSize;
          const p = this.loadBatch(dataset, Array.from(order.subarray(start, Math.min(start + this.batchSize, order.length))));
          p.catch(() => {}); // awaited in turn below; this only silences the unhandled-rejection warning
          pending.push(p);
          next++;
        }
        const batch = await pending.shift()!;
        this.position++;
        yield batch;
      }
    } finally {
      // Left early: batches loaded ahead are nobody's, free them.
      for (const p of pending)
        p.then(
          (b) => t.dispose(b),
          () => {},
        );
    }
    if (this.position >= total) this.nextEpoch();
  }

  private async *iterableEpoch(dataset: AnyIterableDataset<T>): AsyncGenerator<B> {
    const it = Symbol.asyncIterator in dataset ? dataset[Symbol.asyncIterator]() : (dataset as Iterable<T>)[Symbol.iterator]();
    try {
      // Resuming: replay the delivered part of the stream and drop it.
      for (let skip = this.position * this.batchSize; skip > 0; skip--) {
        const r = await it.next();
        if (r.done) break;
        t.dispose(r.value);
      }
      while (true) {
        const samples: T[] = [];
        let done = false;
        while (samples.length < this.batchSize) {
          const r = await it.next();
          if (r.done) {
            done = true;
            break;
          }
          samples.push(r.value);
        }
        if (samples.length === this.batchSize || (samples.length > 0 && !this.dropLast)) {
          const batch = this.collateSamples(samples);
          this.position++;
          yield batch;
        } else {
          t.dispose(samples);
        }
        if (done) break;
      }
      this.nextEpoch();
    } finally {
      await it.return?.();
    }
  }

  private nextEpoch(): void {
    this.epochIndex++;
    this.position = 0;
  }

  private async loadBatch(dataset: Dataset<T, B>, indices: number[]): Promise<B> {
    if (!this.collate && dataset.getBatch) return dataset.getBatch(indices);
    const samples = await Promise.all(indices.map((i) => dataset.get(i)));
    return this.collateSamples(samples);
  }

  private collateSamples(samples: T[]): B {
    let batch: B;
    try {
      batch = (this.collate ?? defaultCollate)(samples) as B;
    } catch (err) {
      t.dispose(samples);
      throw err;
    }
    disposeConsumed(samples, batch);
    return batch;
  }

  private mapDataset(what: string): Dataset<T, B> {
    if (!isMapDataset(this.dataset)) throw new t.ArgumentError(`DataLoader.${what}: an iterable dataset has no length`);
    return this.dataset as Dataset<T, B>;
  }
}
