import * as t from '@tensile/core';
import { checkIndex, type Dataset } from './dataset.js';

type TensorRecord = Record<string, t.Tensor>;
type Fields = readonly t.Tensor[] | TensorRecord;

/**
 * A dataset over tensors that share their first axis (torch TensorDataset).
 * Given positional tensors its samples are arrays (`[x_i, y_i]`); given an
 * object of tensors they are objects with the same keys (`{ x: x_i, y: y_i }`).
 * Batches are made with one indexSelect per tensor.
 *
 * The dataset does not copy the tensors and does not own them unless it made
 * them (the toy generators): `dispose()` frees them.
 *
 * @example
 * const ds = new TensorDataset(t.randn([100, 3]), t.randint(0, 2, [100]));
 * ds.get(0) // [float32 [3], int32 []]
 * const named = new TensorDataset({ x: t.randn([100, 3]), y: t.randn([100, 1]) });
 * named.get(0) // { x: float32 [3], y: float32 [1] }
 */
class TensorDatasetImpl<S extends t.Tensor[] | TensorRecord = t.Tensor[]> implements Dataset<S, S> {
  readonly length: number;
  readonly tensors: Fields;

  constructor(first: t.Tensor | TensorRecord, ...rest: t.Tensor[]) {
    this.tensors = first instanceof t.Tensor ? [first, ...rest] : { ...first };
    if (!(first instanceof t.Tensor) && rest.length > 0) {
      throw new t.ArgumentError('TensorDataset: pass either tensors or one object of tensors, not both');
    }
    const entries = Object.entries(this.tensors) as [string, t.Tensor][];
    if (entries.length === 0) throw new t.ArgumentError('TensorDataset: needs at least one tensor');
    const [name0, t0] = entries[0];
    entries.forEach(([name, x]) => {
      if (!(x instanceof t.Tensor)) throw new t.ArgumentError(`TensorDataset: '${name}' is not a tensor`);
      if (x.rank === 0) throw new t.ShapeError(`TensorDataset: '${name}' is a scalar; tensors need a leading sample axis`);
      if (x.shape[0] !== t0.shape[0]) {
        throw new t.ShapeError(
          `TensorDataset: '${name}' [${x.shape.join(',')}] has ${x.shape[0]} samples, '${name0}' [${t0.shape.join(',')}] has ${t0.shape[0]}`,
        );
      }
    });
    this.length = t0.shape[0];
  }

  get(index: number): S {
    checkIndex('TensorDataset', index, this.length);
    return this.map((x) => t.tidy(() => x.narrow(0, index, 1).reshape(x.shape.slice(1))));
  }

  getBatch(indices: readonly number[]): S {
    for (const i of indices) checkIndex('TensorDataset', i, this.length);
    const idx = t.tensor(Int32Array.from(indices), { shape: [indices.length] });
    try {
      return this.map((x) => t.indexSelect(x, 0, idx));
    } finally {
      idx.dispose();
    }
  }

  /** Frees the tensors the dataset holds. */
  dispose(): void {
    for (const x of Object.values(this.tensors)) x.dispose();
  }

  private map(fn: (x: t.Tensor) => t.Tensor): S {
    if (Array.isArray(this.tensors)) return this.tensors.map(fn) as S;
    const out: TensorRecord = {};
    for (const [k, x] of Object.entries(this.tensors)) out[k] = fn(x);
    return out as S;
  }
}

/** Constructor overloads, so the sample type follows the arguments. */
interface TensorDatasetConstructor {
  new <R extends TensorRecord>(fields: R): TensorDatasetImpl<R>;
  new <A extends t.Tensor[]>(...tensors: A): TensorDatasetImpl<A>;
}

export type TensorDataset<S extends t.Tensor[] | TensorRecord = t.Tensor[]> = TensorDatasetImpl<S>;

/**
 * A dataset over tensors that share their first axis (torch TensorDataset).
 * Given positional tensors its samples are arrays (`[x_i, y_i]`); given an
 * object of tensors they are objects with the same keys (`{ x: x_i, y: y_i }`).
 *
 * @example
 * const ds = new TensorDataset(t.randn([100, 3]), t.randint(0, 2, [100]));
 * const named = new TensorDataset({ x: t.randn([100, 3]), y: t.randn([100, 1]) });
 */
export const TensorDataset = TensorDatasetImpl as TensorDatasetConstructor;
