import * as t from '@tensile/core';
import { dropout } from './dropout.js';
import { constant_, xavierNormal_, xavierUniform_ } from './init.js';
import { Linear, checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface MultiheadAttentionOptions {
  /** Learn in_proj_bias and out_proj.bias (default true). */
  bias?: boolean;
  /** Learn bias_k and bias_v [1, 1, E], appended to the keys and values as one more position (default false). */
  addBiasKv?: boolean;
  /** Append a zero key and value after the projections (and bias_k/bias_v), as PyTorch's add_zero_attn (default false). */
  addZeroAttn?: boolean;
  /** The features of key (default embedDim); when kdim or vdim differs, q/k/v get separate projection weights. */
  kdim?: number | null;
  /** The features of value (default embedDim). */
  vdim?: number | null;
  /** Inputs and output are [batch, seq, embed] instead of [seq, batch, embed]. */
  batchFirst?: boolean;
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
  rng?: t.Rng;
}

export interface AttentionCallOptions {
  /**
   * [batch, S] ([S] unbatched): keys to ignore. Bool (true = ignore, as PyTorch) or float (added to the scores).
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
  /**
   * Causal attention: position i sees keys 0..i. PyTorch takes this as a hint
   * that attnMask is the causal mask; here, without an attnMask, the mask is built.
   */
  isCausal?: boolean;
}

/**
 * Multi-head scaled dot-product attention as torch.nn.MultiheadAttention:
 * in_proj_weight [3E, E] (or q_proj_weight [E, E], k_proj_weight [E, kdim],
 * v_proj_weight [E, vdim] when kdim/vdim differ from E) and in_proj_bias
 * [3E] project query, key and value, out_proj (a Linear) mixes the heads;
 * bias_k/bias_v and add_zero_attn as PyTorch's. Returns [output, weights or null];
 * the weights are those the values were averaged with (after dropout, as PyTorch).
 *
 * @example
 * const attn = new MultiheadAttention(64, 8, { batchFirst: true });
 * const [y, w] = attn.call(x, x, x, { keyPaddingMask }); // x [B, L, 64] → y [B, L, 64], w [B, L, L]
 */
export class MultiheadAttention extends Module<
  [query: t.Tensor, key: t.Tensor, value: t.Tensor, options?: AttentionCallOptions],
  [t.Tensor, t.Tensor | null]
> {
  readonly typeName = 'MultiheadAttention';
  readonly headDim: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly addBiasKv: boolean;
  readonly addZeroAttn: boolean;
  /** Whether query, key and value share one in_proj_weight (kdim = vdim = embedDim). */
  readonly qkvSameEmbedDim: boolean;
  /** The generator of dropout masks; null uses core's default. */
  rng: t.Rng | null;
  readonly outProj: Linear;
  /** [3E, E]: the query, key and value projections stacked; null when kdim/vdim differ. */
  declare readonly inProjWeight: Parameter | null;
  /** [E, E], [E, kdim], [E, vdim]: separate projections, only when kdim/vdim differ from E. */
  declare readonly qProjWeight: Parameter | null;
  declare readonly kProjWeight: Parameter | null;
  declare readonly vProjWeight: Parameter | null;
  /** [3E], or null when built with `bias: false`. */
  declare readonly inProjBias: Parameter | null;
  /** [1, 1, E] with addBiasKv, else null. */
  declare readonly biasK: Parameter | null;
  declare readonly biasV: Parameter | null;

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
    if (!(this.dropout >= 0 && this.dropout <= 1))
      throw new t.ArgumentError(`MultiheadAttention: dropout must be in [0, 1], got ${this.dropout}`);
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    checkSize('MultiheadAttention', 'kdim', this.kdim);
    checkSize('MultiheadAttention', 'vdim', this.vdim);
    this.addBiasKv = options.addBiasKv ?? false;
    this.addZeroAttn = options.addZeroAttn ?? false;
    this.qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.rng = options.rng ?? null;
    const E = embedDim;
    // Registered in PyTorch's order, absent ones as null (as register_parameter(name, None)).
    const same = this.qkvSameEmbedDim;
    const stacked = this.addParameter('in_proj_weight', same ? t.zeros([3 * E, E]) : null);
    const separate = [
      this.addParameter('q_proj_weight', same ? null : t.zeros([E, E])),
      this.addParameter('k_proj_weight', same ? null : t.zeros([E, this.kdim])),
      this.addParameter('v_proj_weight', same ? null : t.zeros([E, this.vdim])),
    ];
    const inBias = this.addParameter('in_proj_bias', this.bias ? t.zeros([3 * E]) : null);
    this.outProj = this.addModule('out_proj', new Linear(E, E, { bias: this.bias, rng: options.rng }));
    const biasK = this.addParameter('bias_k', this.addBiasKv ? t.zeros([1, 1, E]) : null);
    const biasV = this.addParameter('bias_v', this.addBiasKv ? t.zeros([1, 1, E]) : null);
    // PyTorch's _reset_parameters.
    for (const w of stacked ? [stacked] : separate) xavierUniform_(w!, 1, options);
    if (inBias) constant_(inBias, 0);
    const outBias = this.outProj.optionalParam('bias');
    if (outBias) constant_(outBias, 0);
    if (biasK) xavierNormal_(biasK, 1, options);
    if (biasV) xavierNormal_(biasV, 1, options);
  }

  get config() {
    return {
      embedDim: this.embedDim,
      numHeads: this.numHeads,
      bias: this.bias,
      batchFirst: this.batchFirst,
      dropout: this.dropout,
      addBiasKv: this.addBiasKv,
      addZeroAttn: this.addZeroAttn,
      kdim: this.kdim,
      vdim: this.vdim,
    };
  }

  forward(query: t.Tensor, key: t.Tensor, value: t.Tensor, options: AttentionCallOptions = {}): [t.Tensor, t.Tensor | null] {
    const E = this.embedDim;
    const H = this.numHeads;
    const unbatched = query.rank === 2;
    const want = unbatched ? 2 : 3;
    for (const [name, x, features] of [
      ['query', query, E],
      ['key', key, this.kdim],
      ['value', value, this.vdim],
    ] as const) {
      if (x.rank !== want || x.shape[want - 1] !== features) {
        const layout = unbatched ? '[seq, features]' : this.batchFirst ? '[batch, seq, features]' : '[seq, batch, features]';
        throw new t.ShapeError(
          `MultiheadAttention: ${name} must be ${layout} with ${features} features, got [${x.shape.join(',')}] (query [${query.shape.join(',')}])`,
        );
      }
    }
    // Work in [seq, batch, features].
    const toSeqFirst = (x: t.Tensor) => (unbatched ? x.unsqueeze(1) : this.batchFirst ? x.transpose(0, 1) : x);
    const [q0, k0, v0] = [toSeqFirst(query), toSeqFirst(key), toSeqFirst(value)];
    const [L, N] = q0.shape;
    const S = k0.shape[0];
    if (v0.shape[0] !== S || k0.shape[1] !== N || v0.shape[1] !== N) {
      throw new t.ShapeError(
        `MultiheadAttention: key [${key.shape.join(',')}] and value [${value.shape.join(',')}] must share sequence and batch sizes with query [${query.shape.join(',')}]`,
      );
    }
    // Masks are checked before any work and become additive [N|1, H|1, L, S].
    const causal = options.isCausal && !options.attnMask ? causalMask(L, S) : null;
    const attnMask = toAdditive(options.attnMask ?? causal, attnMaskShape(options.attnMask ?? causal, N, H, L, S), 'attnMask', q0.dtype);
    const padMask = toAdditive(
      options.keyPaddingMask,
      keyPaddingShape(options.keyPaddingMask, N, S, unbatched),
      'keyPaddingMask',
      q0.dtype,
    );
    const b = this.optionalParam('in_proj_bias');
    const weightOf = (i: number): t.Tensor =>
      this.qkvSameEmbedDim
        ? this.param('in_proj_weight').narrow(0, i * E, E)
        : this.param(['q_proj_weight', 'k_proj_weight', 'v_proj_weight'][i]);
    const project = (x: t.Tensor, i: number) => t.linear(x, weightOf(i), b ? b.narrow(0, i * E, E) : null);
    let k = project(k0, 1);
    let v = project(v0, 2);
    // Extra key positions (bias_k/bias_v, then a zero key) see a zero mask: always attended.
    let extra = 0;
    if (this.addBiasKv) {
      k = t.concat([k, this.param('bias_k').expand([1, N, E])], 0);
      v = t.concat([v, this.param('bias_v').expand([1, N, E])], 0);
      extra++;
    }
    const heads = (x: t.Tensor) => x.reshape([x.shape[0], N, H, this.headDim]).permute([1, 2, 0, 3]); // [N, H, len, headDim]
    const q = heads(project(q0, 0)).mul(1 / Math.sqrt(this.headDim));
    let kh = heads(k);
    let vh = heads(v);
    if (this.addZeroAttn) {
      const zero = t.zeros([N, H, 1, this.headDim], { dtype: kh.dtype });
      kh = t.concat([kh, zero], 2);
      vh = t.concat([vh, zero], 2);
      extra++;
    }
    let scores = q.matmul(kh, { transB: true }); // [N, H, L, S + extra]
    for (const m of [attnMask, padMask])
      if (m)
        scores = scores.add(
          extra
            ? m.pad([
                [0, 0],
                [0, 0],
                [0, 0],
                [0, extra],
              ])
            : m,
        );
    let weights = scores.softmax(-1);
    weights = dropout(weights, this.dropout, this.training, this.rng ?? t.defaultRng());
    const attended = weights.matmul(vh); // [N, H, L, headDim]
    let out = this.outProj.call(attended.permute([2, 0, 1, 3]).reshape([L, N, E]));
    out = unbatched ? out.squeeze(1) : this.batchFirst ? out.transpose(0, 1) : out;
    if (!(options.needWeights ?? true)) return [out, null];
    let avg = (options.averageAttnWeights ?? true) ? weights.mean(1) : weights;
    if (unbatched) avg = avg.squeeze(0);
    return [out, avg];
  }
}

/**
 * A float [size, size] mask with -inf above the diagonal and 0 elsewhere: position i attends to 0..i,
 * as torch.nn.Transformer.generate_square_subsequent_mask.
 *
 * @example
 * encoder.call(x, { mask: generateSquareSubsequentMask(x.shape[1]) });
 */
export function generateSquareSubsequentMask(size: number, options: { dtype?: 'float32' | 'float64' } = {}): t.Tensor {
  checkSize('generateSquareSubsequentMask', 'size', size);
  return t.tidy(() => t.where(causalMask(size, size), t.full([], -Infinity, { dtype: options.dtype ?? 'float32' }), 0));
}

/** Bool [L, S]: true where key j lies after query i (masked). */
function causalMask(L: number, S: number): t.Tensor {
  return t.arange(S).unsqueeze(0).gt(t.arange(L).unsqueeze(1));
}

/** attnMask [L, S] or [N·H, L, S] as a shape broadcasting against [N, H, L, S]. */
function attnMaskShape(mask: t.Tensor | null | undefined, N: number, H: number, L: number, S: number): number[] {
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

/** A mask as scores to add: bool true → -inf, float as given. */
function toAdditive(mask: t.Tensor | null | undefined, shape: number[], name: string, dtype: t.DType): t.Tensor | null {
  if (!mask) return null;
  const m = mask.reshape(shape);
  if (mask.dtype === 'bool') return t.where(m, t.full([], -Infinity, { dtype }), 0);
  if (!t.isFloat(mask.dtype)) throw new t.DTypeError(`MultiheadAttention: ${name} must be bool or float, got ${mask.dtype}`);
  return m.cast(dtype);
}
