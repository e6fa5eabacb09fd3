import * as t from '@tensile/core';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';
import { checkIndices, checkMaxNorm, checkPaddingIdx, initTable, renormRows } from './embedding.js';

export interface EmbeddingBagOptions {
  /** How a bag's rows combine: 'sum', 'mean' (default) or 'max'. */
  mode?: 'sum' | 'mean' | 'max';
  /** Entries equal to this index are left out of their bag (and its mean); its row starts at zero. */
  paddingIdx?: number | null;
  /** As Embedding's: looked-up rows longer than maxNorm are rescaled in place first. */
  maxNorm?: number | null;
  normType?: number;
  /** offsets has one more entry, the end of the last bag (PyTorch's include_last_offset). */
  includeLastOffset?: boolean;
  rng?: t.Rng;
}

/**
 * Sums, averages or takes the max of bags of embeddings without building
 * the [..., dim] lookups of each, as torch.nn.EmbeddingBag. Bags are the rows
 * of a 2-D input [B, N], or slices of a 1-D input starting at `offsets` [B].
 * `perSampleWeights` (mode 'sum' only) scales each entry. An empty bag gives zeros.
 *
 * @example
 * const bag = new EmbeddingBag(10, 3, { mode: 'sum' });
 * bag.call(t.tensor(new Int32Array([1, 2, 4, 5, 4])), t.tensor(new Int32Array([0, 2]))) // → [2, 3]
 */
export class EmbeddingBag extends Module<[input: t.Tensor, offsets?: t.Tensor | null, perSampleWeights?: t.Tensor | null], t.Tensor> {
  readonly typeName = 'EmbeddingBag';
  readonly mode: 'sum' | 'mean' | 'max';
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly includeLastOffset: boolean;
  /** [numEmbeddings, embeddingDim], N(0, 1). */
  declare readonly weight: Parameter;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingBagOptions = {},
  ) {
    super();
    checkSize('EmbeddingBag', 'numEmbeddings', numEmbeddings);
    checkSize('EmbeddingBag', 'embeddingDim', embeddingDim);
    this.mode = options.mode ?? 'mean';
    if (!['sum', 'mean', 'max'].includes(this.mode))
      throw new t.ArgumentError(`EmbeddingBag: mode must be 'sum', 'mean' or 'max', got ${JSON.stringify(this.mode)}`);
    this.paddingIdx = checkPaddingIdx('EmbeddingBag', options.paddingIdx, numEmbeddings);
    [this.maxNorm, this.normType] = checkMaxNorm('EmbeddingBag', options);
    this.includeLastOffset = options.includeLastOffset ?? false;
    initTable(this.addParameter('weight', t.zeros([numEmbeddings, embeddingDim]))!, this.paddingIdx, options);
  }

  get config() {
    return {
      numEmbeddings: this.numEmbeddings,
      embeddingDim: this.embeddingDim,
      mode: this.mode,
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      includeLastOffset: this.includeLastOffset,
    };
  }

  forward(input: t.Tensor, offsets: t.Tensor | null = null, perSampleWeights: t.Tensor | null = null): t.Tensor {
    const name = 'EmbeddingBag';
    checkIndices(name, input, 'input');
    if (input.rank === 2) {
      if (offsets)
        throw new t.ArgumentError(`${name}: offsets must be null for a 2-D input [${input.shape.join(',')}] (each row is a bag)`);
    } else if (input.rank === 1) {
      if (!offsets) throw new t.ArgumentError(`${name}: a 1-D input [${input.shape.join(',')}] needs offsets (where each bag starts)`);
      checkIndices(name, offsets, 'offsets');
      if (offsets.rank !== 1 || (this.includeLastOffset && offsets.size < 1)) {
        throw new t.ShapeError(
          `${name}: offsets must be 1-D${this.includeLastOffset ? ' and non-empty' : ''}, got [${offsets.shape.join(',')}]`,
        );
      }
    } else {
      throw new t.ShapeError(`${name}: input must be 2-D [bags, n] or 1-D with offsets, got [${input.shape.join(',')}]`);
    }
    if (perSampleWeights) {
      if (this.mode !== 'sum') throw new t.ArgumentError(`${name}: perSampleWeights needs mode 'sum', not '${this.mode}'`);
      if (perSampleWeights.shape.join() !== input.shape.join()) {
        throw new t.ShapeError(
          `${name}: perSampleWeights [${perSampleWeights.shape.join(',')}] must have the shape of input [${input.shape.join(',')}]`,
        );
      }
    }
    const weight = this.param('weight');
    if (this.maxNorm !== null) renormRows(weight, input, this.maxNorm, this.normType);
    const n = input.size;
    const idx = input.reshape([n]);
    const positions = t.arange(n);
    // The bag of each entry: its row, or how many offsets lie at or before it, less one.
    let bags: number;
    let bagOf: t.Tensor;
    if (input.rank === 2) {
      bags = input.shape[0];
      bagOf = input.shape[1] > 0 ? positions.floorDivide(input.shape[1]) : positions;
    } else {
      const starts = this.includeLastOffset ? offsets!.narrow(0, 0, offsets!.size - 1) : offsets!;
      bags = starts.size;
      bagOf = starts.unsqueeze(0).le(positions.unsqueeze(1)).cast('int32').sum(1).sub(1);
    }
    // member [bags, n]: entry j belongs to bag b (and is not padding).
    let member = t.arange(bags).unsqueeze(1).eq(bagOf.unsqueeze(0));
    if (this.paddingIdx !== null) member = member.logicalAnd(idx.ne(this.paddingIdx).unsqueeze(0));
    const rows = t.indexSelect(weight, 0, idx); // [n, dim]
    if (this.mode === 'max') {
      const masked = t.where(member.unsqueeze(2), rows.unsqueeze(0), t.full([], -Infinity, { dtype: rows.dtype }));
      const nonEmpty = member.cast('int32').sum(1).gt(0).unsqueeze(1);
      return t.where(nonEmpty, masked.max([1]), 0);
    }
    let m = member.cast(rows.dtype);
    if (perSampleWeights) m = m.mul(perSampleWeights.reshape([1, n]).cast(rows.dtype));
    const summed = m.matmul(rows);
    if (this.mode === 'sum') return summed;
    return summed.div(member.cast(rows.dtype).sum(1, true).clamp(1));
  }
}
