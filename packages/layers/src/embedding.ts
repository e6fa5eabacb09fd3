import * as t from '@tensile/core';
import { normal_ } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface EmbeddingOptions {
  /** A row that stays out of training: its gradient is zero (and it starts at zero). */
  paddingIdx?: number | null;
  rng?: t.Rng;
}

/**
 * A lookup table: int32 indices [...] → rows of weight [num, dim] as
 * [..., dim]. The weight starts N(0, 1), as PyTorch.
 *
 * @example
 * new Embedding(1000, 64).call(t.tensor(new Int32Array([1, 5, 7]))) // → [3, 64]
 */
export class Embedding extends Module {
  readonly typeName = 'Embedding';
  readonly paddingIdx: number | null;
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
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        throw new t.ArgumentError(`Embedding: paddingIdx ${pad} must be within [${-numEmbeddings}, ${numEmbeddings})`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    const w = normal_(this.addParameter('weight', t.zeros([numEmbeddings, embeddingDim]))!, 0, 1, options);
    if (pad !== null) {
      const zeroed = t.noGrad(() => t.tidy(() => t.where(t.arange(numEmbeddings).eq(pad).unsqueeze(1), 0, w)));
      t.assign(w, zeroed);
    }
  }

  get config() {
    return { numEmbeddings: this.numEmbeddings, embeddingDim: this.embeddingDim, paddingIdx: this.paddingIdx };
  }

  forward(indices: t.Tensor): t.Tensor {
    if (indices.dtype !== 'int32') {
      throw new t.DTypeError(`Embedding: indices must be int32, got ${indices.dtype} [${indices.shape.join(',')}]`);
    }
    const weight = this.param('weight');
    const rows = weight.indexSelect(0, indices.reshape([indices.size]));
    let out = rows.reshape([...indices.shape, this.embeddingDim]);
    if (this.paddingIdx !== null) {
      // Same values everywhere, but no gradient flows into the padding row.
      const live = indices.ne(this.paddingIdx).unsqueeze(-1);
      out = t.where(live, out, out.detach());
    }
    return out;
  }
}
