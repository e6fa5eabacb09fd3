import * as t from '@tensile/core';
import { normal_ } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface EmbeddingOptions {
  /** A row that stays out of training: its gradient is zero (and it starts at zero). */
  paddingIdx?: number | null;
  /**
   * Rows looked up whose normType-norm exceeds maxNorm are rescaled to
   * maxNorm, in place and without gradient, before the lookup (as PyTorch).
   */
  maxNorm?: number | null;
  /** The p of the norm maxNorm bounds (default 2; Infinity = the largest magnitude). */
  normType?: number;
  rng?: t.Rng;
}

/**
 * A lookup table: int32 indices [...] → rows of weight [num, dim] as
 * [..., dim]. The weight starts N(0, 1), as PyTorch.
 *
 * @example
 * new Embedding(1000, 64).call(t.tensor(new Int32Array([1, 5, 7]))) // → [3, 64]
 */
export class Embedding extends Module<[indices: t.Tensor], t.Tensor> {
  readonly typeName = 'Embedding';
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  /** [numEmbeddings, embeddingDim]. */
  declare readonly weight: Parameter;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    checkSize('Embedding', 'numEmbeddings', numEmbeddings);
    checkSize('Embedding', 'embeddingDim', embeddingDim);
    this.paddingIdx = checkPaddingIdx('Embedding', options.paddingIdx, numEmbeddings);
    [this.maxNorm, this.normType] = checkMaxNorm('Embedding', options);
    initTable(this.addParameter('weight', t.zeros([numEmbeddings, embeddingDim]))!, this.paddingIdx, options);
  }

  get config() {
    return {
      numEmbeddings: this.numEmbeddings,
      embeddingDim: this.embeddingDim,
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
    };
  }

  forward(indices: t.Tensor): t.Tensor {
    checkIndices('Embedding', indices);
    const weight = this.param('weight');
    if (this.maxNorm !== null) renormRows(weight, indices, this.maxNorm, this.normType);
    const rows = t.indexSelect(weight, 0, indices.reshape([indices.size]));
    let out = rows.reshape([...indices.shape, this.embeddingDim]);
    if (this.paddingIdx !== null) {
      // Same values everywhere, but no gradient flows into the padding row.
      const live = indices.ne(this.paddingIdx).unsqueeze(-1);
      out = t.where(live, out, out.detach());
    }
    return out;
  }
}

/** @internal A paddingIdx in [-num, num), made non-negative (null stays null). */
export function checkPaddingIdx(layer: string, pad: number | null | undefined, num: number): number | null {
  if (pad === null || pad === undefined) return null;
  if (!Number.isInteger(pad) || pad < -num || pad >= num) {
    throw new t.ArgumentError(`${layer}: paddingIdx ${pad} must be within [${-num}, ${num})`);
  }
  return pad < 0 ? pad + num : pad;
}

/** @internal [maxNorm, normType] from the options, checked. */
export function checkMaxNorm(layer: string, options: { maxNorm?: number | null; normType?: number }): [number | null, number] {
  const maxNorm = options.maxNorm ?? null;
  const normType = options.normType ?? 2;
  if (maxNorm !== null && !(maxNorm > 0)) throw new t.ArgumentError(`${layer}: maxNorm must be > 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new t.ArgumentError(`${layer}: normType must be > 0, got ${normType}`);
  return [maxNorm, normType];
}

/** @internal Int32 indices, or a DTypeError naming the layer. */
export function checkIndices(layer: string, indices: t.Tensor, name = 'indices'): void {
  if (indices.dtype !== 'int32') {
    throw new t.DTypeError(`${layer}: ${name} must be int32, got ${indices.dtype} [${indices.shape.join(',')}]`);
  }
}

/** @internal N(0, 1), the padding row zeroed, as PyTorch's reset_parameters. */
export function initTable(weight: t.Tensor, pad: number | null, options: { rng?: t.Rng }): void {
  normal_(weight, 0, 1, options);
  if (pad === null) return;
  const zeroed = t.noGrad(() => t.tidy(() => t.where(t.arange(weight.shape[0]).eq(pad).unsqueeze(1), 0, weight)));
  t.assign(weight, zeroed);
}

/**
 * PyTorch's embedding_renorm_: every row of weight that `indices` names and
 * whose p-norm exceeds maxNorm is scaled by maxNorm / (norm + 1e-7), in
 * place, outside autograd. Works on the whole table (one pass over it): the
 * rows named are found with a count per row, not by reading indices back.
 */
export function renormRows(weight: t.Tensor, indices: t.Tensor, maxNorm: number, normType: number): void {
  const scaled = t.noGrad(() =>
    t.tidy(() => {
      const flat = indices.reshape([indices.size]);
      const used = t.indexAdd(t.zeros([weight.shape[0]]), 0, flat, t.ones([flat.size])).gt(0);
      const a = weight.abs();
      const norm =
        normType === Infinity
          ? a.max([1])
          : normType === 2
            ? a.square().sum(1).sqrt()
            : a
                .pow(normType)
                .sum(1)
                .pow(1 / normType);
      const scale = t.where(used.logicalAnd(norm.gt(maxNorm)), norm.add(1e-7).reciprocal().mul(maxNorm), 1);
      return weight.mul(scale.unsqueeze(1).cast(weight.dtype));
    }),
  );
  t.assign(weight, scaled);
}
