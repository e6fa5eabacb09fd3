import * as t from '@tensile/core';
import { ConfigModule, Dropout, Embedding, init, LayerNorm, TransformerEncoder, TransformerEncoderLayer } from '@tensile/layers';

/** GPT's constructor config, saved as is in model files. */
export type GPTConfig = {
  /** Tokens (characters) the model reads and predicts. */
  vocabSize: number;
  /** The longest context: the number of learned positions. */
  blockSize: number;
  embedDim: number;
  numHeads: number;
  numLayers: number;
  /** Dropout on the embeddings, the attention weights and each residual branch (default 0). */
  dropout?: number;
  /**
   * The feed-forward nonlinearity (default 'gelu', GPT-2's). 'relu' trains
   * about 40% faster on wasm today, whose exact GELU goes through a slow erf.
   */
  activation?: 'gelu' | 'relu';
};

/**
 * A decoder-only Transformer language model (GPT-2's layout, as nanoGPT
 * writes it): token and position embeddings, `numLayers` pre-norm blocks of
 * causal self-attention and a 4×-wide feed-forward, a final LayerNorm, and
 * an output projection tied to the token embedding (the logits are
 * `h · wte.weightᵀ`). The blocks are torch.nn.TransformerEncoderLayer
 * (normFirst, batchFirst) stacked by TransformerEncoder with its final
 * norm, so the weights load into that PyTorch module unchanged
 * (apps/cli/scripts/crosscheck_gpt.py). Weights start as GPT-2's: N(0, 0.02),
 * residual projections N(0, 0.02/√(2·numLayers)), biases 0.
 *
 * @example
 * const gpt = new GPT({ vocabSize: 98, blockSize: 64, embedDim: 128, numHeads: 4, numLayers: 4 });
 * const logits = gpt.call(ids); // ids int32 [B, T ≤ 64] → [B, T, 98]
 */
export class GPT extends ConfigModule<GPTConfig, [t.Tensor], t.Tensor> {
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly drop: Dropout;
  readonly transformer: TransformerEncoder;

  constructor(config: GPTConfig) {
    super(config);
    for (const key of ['vocabSize', 'blockSize', 'embedDim', 'numHeads', 'numLayers'] as const) {
      const v = config[key];
      if (!Number.isInteger(v) || v < 1) throw new t.ArgumentError(`GPT: ${key} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    const { vocabSize, blockSize, embedDim, numHeads, numLayers } = config;
    const dropout = config.dropout ?? 0;
    const activation = config.activation ?? 'gelu';
    if (activation !== 'gelu' && activation !== 'relu') {
      throw new t.ArgumentError(`GPT: activation must be 'gelu' or 'relu', got ${JSON.stringify(activation)}`);
    }
    this.wte = this.addModule('wte', new Embedding(vocabSize, embedDim));
    this.wpe = this.addModule('wpe', new Embedding(blockSize, embedDim));
    this.drop = this.addModule('drop', new Dropout(dropout));
    const block = new TransformerEncoderLayer(embedDim, numHeads, {
      dimFeedforward: 4 * embedDim,
      dropout,
      activation,
      batchFirst: true,
      normFirst: true,
    });
    this.transformer = this.addModule('transformer', new TransformerEncoder(block, numLayers, { norm: new LayerNorm(embedDim) }));
    block.dispose(); // the encoder holds copies
    this.initWeights();
  }

  /** GPT-2's initialisation; it also gives each stacked block (copies of one) weights of its own. */
  private initWeights(): void {
    const residualStd = 0.02 / Math.sqrt(2 * this.config.numLayers);
    for (const [name, p] of Object.entries(this.stateDict())) {
      if (/norm\d*\.(weight|bias)$/.test(name)) continue; // LayerNorms keep 1 and 0
      if (name.endsWith('bias')) init.zeros_(p);
      else if (/out_proj\.weight$|linear2\.weight$/.test(name)) init.normal_(p, 0, residualStd);
      else init.normal_(p, 0, 0.02);
    }
  }

  forward(ids: t.Tensor): t.Tensor {
    if (ids.rank !== 2 || ids.dtype !== 'int32') {
      throw new t.ShapeError(`GPT: ids must be int32 [batch, seq], got ${ids.dtype} [${ids.shape.join(',')}]`);
    }
    const T = ids.shape[1];
    if (T > this.config.blockSize) {
      throw new t.ShapeError(`GPT: a sequence of ${T} tokens is longer than blockSize ${this.config.blockSize}`);
    }
    const x = this.drop.call(this.wte.call(ids).add(this.wpe.call(t.arange(T))));
    const h = this.transformer.call(x, { isCausal: true });
    return h.matmul(this.wte.weight, { transB: true }); // weight tying: [B, T, D] · [V, D]ᵀ
  }
}
