import * as t from '@tensile/core';
import { dropout } from './dropout.js';
import { constant_, xavierUniform_ } from './init.js';
import { Linear, checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface MultiheadAttentionOptions {
  /** Learn in_proj_bias and out_proj.bias (default true). */
  bias?: boolean;
  /** Inputs and output are [batch, seq, embed] instead of [seq, batch, embed]. */
  batchFirst?: boolean;
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
  rng?: t.Rng;
}

export interface AttentionCallOptions {
  /**
   * [batch, S]: keys to ignore. Bool (true = ignore, as PyTorch) or float (added to the scores).
   */
  keyPaddingMask?: t.Tensor | null;
  /**
   * [L, S] or [batch·heads, L, S]: bool (true = not allowed) or float (added to the scores, e.g. -inf).
   */
  attnMask?: t.Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** Average the weights over heads ([batch, L, S]) or not ([batch, heads, L, S]); default true. */
  averageAttnWeights?: boolean;
}

/**
 * Multi-head scaled dot-product attention as torch.nn.MultiheadAttention:
 * in_proj_weight [3E, E] and in_proj_bias [3E] project query, key and value,
 * out_proj (a Linear) mixes the heads. Returns [output, weights or null].
 *
 * @example
 * const attn = new MultiheadAttention(64, 8, { batchFirst: true });
 * const [y, w] = attn.call(x, x, x, { keyPaddingMask }); // x [B, L, 64] → y [B, L, 64], w [B, L, L]
 */
export class MultiheadAttention extends Module {
  readonly typeName = 'MultiheadAttention';
  readonly headDim: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  /** The generator of dropout masks; null uses core's default. */
  rng: t.Rng | null;
  readonly outProj: Linear;
  /** [3E, E]: the query, key and value projections stacked. */
  declare readonly inProjWeight: Parameter;
  /** [3E], or null when built with `bias: false`. */
  declare readonly inProjBias: Parameter | null;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    checkSize('MultiheadAttention', 'embedDim', embedDim);
    checkSize('MultiheadAttention', 'numHeads', numHeads);
    if (embedDim % numHeads !== 0)
      throw new t.ArgumentError(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    this.headDim = embedDim / numHeads;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    this.rng = options.rng ?? null;
    xavierUniform_(this.addParameter('in_proj_weight', t.zeros([3 * embedDim, embedDim]))!, 1, options);
    const inBias = this.addParameter('in_proj_bias', this.bias ? t.zeros([3 * embedDim]) : null);
    this.outProj = this.addModule('out_proj', new Linear(embedDim, embedDim, { bias: this.bias, rng: options.rng }));
    if (inBias) constant_(inBias, 0);
    const outBias = this.outProj.optionalParam('bias');
    if (outBias) constant_(outBias, 0);
  }

  get config() {
    return { embedDim: this.embedDim, numHeads: this.numHeads, bias: this.bias, batchFirst: this.batchFirst, dropout: this.dropout };
  }

  forward(query: t.Tensor, key: t.Tensor, value: t.Tensor, options: AttentionCallOptions = {}): [t.Tensor, t.Tensor | null] {
    const E = this.embedDim;
    const H = this.numHeads;
    const unbatched = query.rank === 2;
    const want = unbatched ? 2 : 3;
    for (const [name, x] of [
      ['query', query],
      ['key', key],
      ['value', value],
    ] as const) {
      if (x.rank !== want || x.shape[want - 1] !== E) {
        const layout = unbatched ? '[seq, embed]' : this.batchFirst ? '[batch, seq, embed]' : '[seq, batch, embed]';
        throw new t.ShapeError(
          `MultiheadAttention: ${name} must be ${layout} with embed ${E}, got [${x.shape.join(',')}] (query [${query.shape.join(',')}])`,
        );
      }
    }
    // Work in [seq, batch, embed].
    const toSeqFirst = (x: t.Tensor) => (unbatched ? x.unsqueeze(1) : this.batchFirst ? x.transpose(0, 1) : x);
    const [q0, k0, v0] = [toSeqFirst(query), toSeqFirst(key), toSeqFirst(value)];
    const [L, N] = q0.shape;
    const S = k0.shape[0];
    if (v0.shape[0] !== S || k0.shape[1] !== N || v0.shape[1] !== N) {
      throw new t.ShapeError(
        `MultiheadAttention: key [${key.shape.join(',')}] and value [${value.shape.join(',')}] must share sequence and batch sizes with query [${query.shape.join(',')}]`,
      );
    }
    const w = this.param('in_proj_weight');
    const b = this.optionalParam('in_proj_bias');
    const project = (x: t.Tensor, i: number, len: number) =>
      t
        .linear(x, w.narrow(0, i * E, E), b ? b.narrow(0, i * E, E) : null)
        .reshape([len, N, H, this.headDim])
        .permute([1, 2, 0, 3]); // [N, H, len, headDim]
    const q = project(q0, 0, L);
    const k = project(k0, 1, S);
    const v = project(v0, 2, S);
    let scores = q.matmul(k, { transB: true }).mul(1 / Math.sqrt(this.headDim)); // [N, H, L, S]
    scores = applyMask(scores, options.attnMask, maskShape(options.attnMask, N, H, L, S), 'attnMask');
    scores = applyMask(scores, options.keyPaddingMask, keyPaddingShape(options.keyPaddingMask, N, S, unbatched), 'keyPaddingMask');
    const weights = scores.softmax(-1);
    const attended = dropout(weights, this.dropout, this.training, this.rng ?? t.defaultRng()).matmul(v); // [N, H, L, headDim]
    let out = this.outProj.call(attended.permute([2, 0, 1, 3]).reshape([L, N, E]));
    out = unbatched ? out.squeeze(1) : this.batchFirst ? out.transpose(0, 1) : out;
    if (!(options.needWeights ?? true)) return [out, null];
    let avg = (options.averageAttnWeights ?? true) ? weights.mean(1) : weights;
    if (unbatched) avg = avg.squeeze(0);
    return [out, avg];
  }
}

/** attnMask [L, S] or [N·H, L, S] as a shape broadcasting against [N, H, L, S]. */
function maskShape(mask: t.Tensor | null | undefined, N: number, H: number, L: number, S: number): number[] {
  if (!mask) return [];
  if (mask.rank === 2 && mask.shape[0] === L && mask.shape[1] === S) return [1, 1, L, S];
  if (mask.rank === 3 && mask.shape[0] === N * H && mask.shape[1] === L && mask.shape[2] === S) return [N, H, L, S];
  throw new t.ShapeError(`MultiheadAttention: attnMask must be [${L},${S}] or [${N * H},${L},${S}], got [${mask.shape.join(',')}]`);
}

function keyPaddingShape(mask: t.Tensor | null | undefined, N: number, S: number, unbatched: boolean): number[] {
  if (!mask) return [];
  const want = unbatched ? [S] : [N, S];
  if (mask.shape.join() !== want.join()) {
    throw new t.ShapeError(`MultiheadAttention: keyPaddingMask must be [${want.join(',')}], got [${mask.shape.join(',')}]`);
  }
  return [N, 1, 1, S];
}

/** Bool masks set disallowed scores to -inf; float masks are added. */
function applyMask(scores: t.Tensor, mask: t.Tensor | null | undefined, shape: number[], name: string): t.Tensor {
  if (!mask) return scores;
  const m = mask.reshape(shape);
  if (mask.dtype === 'bool') return t.where(m, -Infinity, scores);
  if (!t.isFloat(mask.dtype)) throw new t.DTypeError(`MultiheadAttention: ${name} must be bool or float, got ${mask.dtype}`);
  return scores.add(m.cast(scores.dtype));
}
