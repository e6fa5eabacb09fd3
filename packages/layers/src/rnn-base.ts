import * as t from '@tensile/core';
import { dropout } from './dropout.js';
import { uniform_ } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface RNNBaseOptions {
  /** Stacked layers (default 1); layer k > 0 reads layer k-1's output. */
  numLayers?: number;
  /** Learn bias_ih and bias_hh (default true). */
  bias?: boolean;
  /** Input and output are [batch, time, feature] instead of [time, batch, feature]. */
  batchFirst?: boolean;
  /** Dropout on each layer's output except the last, while training (default 0). */
  dropout?: number;
  /** Also run each layer backwards in time; outputs concatenate both directions. */
  bidirectional?: boolean;
  /** Generator for the initial weights and the dropout masks. */
  rng?: t.Rng;
}

/**
 * One recurrence step: the input projection of this step, the previous
 * states and the hidden weights → new states. weightHR is LSTM's projection
 * of h (weight_hr_l{k}, with projSize), else null.
 */
export type Cell = (
  xProj: t.Tensor,
  states: readonly t.Tensor[],
  weightHH: t.Tensor,
  biasHH: t.Tensor | null,
  weightHR: t.Tensor | null,
) => t.Tensor[];

/**
 * What RNN, LSTM and GRU share: PyTorch's parameters (weight_ih_l{k},
 * weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, with `_reverse` for the
 * backward direction; LSTM's weight_hr_l{k} with projSize), all
 * initialised U(±1/√hidden), and the unrolled loop.
 * Training through time is plain autograd over that loop (BPTT).
 */
export abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** LSTM only: h is projected to this size by weight_hr_l{k} (0 = no projection, as PyTorch's proj_size). */
  readonly projSize: number;
  /** Layer 0's weights, as PyTorch's attributes (deeper layers: weightIhL1, …, and …Reverse; untyped). */
  declare readonly weightIhL0: Parameter;
  declare readonly weightHhL0: Parameter;
  declare readonly biasIhL0: Parameter | null;
  declare readonly biasHhL0: Parameter | null;
  /** The generator of dropout masks; null uses core's default. */
  rng: t.Rng | null;

  constructor(
    layerName: string,
    gates: number,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RNNBaseOptions,
    projSize = 0,
  ) {
    super();
    checkSize(layerName, 'inputSize', inputSize);
    checkSize(layerName, 'hiddenSize', hiddenSize);
    this.numLayers = options.numLayers ?? 1;
    checkSize(layerName, 'numLayers', this.numLayers);
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1))
      throw new t.ArgumentError(`${layerName}: dropout must be in [0, 1], got ${this.dropout}`);
    this.bidirectional = options.bidirectional ?? false;
    this.rng = options.rng ?? null;
    checkSize(layerName, 'projSize', projSize, 0);
    if (projSize >= hiddenSize)
      throw new t.ArgumentError(`${layerName}: projSize ${projSize} must be smaller than hiddenSize ${hiddenSize}`);
    this.projSize = projSize;
    const out = projSize || hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    const directions = this.bidirectional ? 2 : 1;
    for (let k = 0; k < this.numLayers; k++) {
      const inK = k === 0 ? inputSize : out * directions;
      for (let d = 0; d < directions; d++) {
        const suffix = `l${k}${d ? '_reverse' : ''}`;
        const shapes: [string, number[] | null][] = [
          [`weight_ih_${suffix}`, [gates * hiddenSize, inK]],
          [`weight_hh_${suffix}`, [gates * hiddenSize, out]],
          [`bias_ih_${suffix}`, this.bias ? [gates * hiddenSize] : null],
          [`bias_hh_${suffix}`, this.bias ? [gates * hiddenSize] : null],
        ];
        // Registered only with projSize, as PyTorch (absent otherwise, not null).
        if (projSize) shapes.push([`weight_hr_${suffix}`, [projSize, hiddenSize]]);
        for (const [name, shape] of shapes) {
          const p = this.addParameter(name, shape ? t.zeros(shape) : null);
          if (p) uniform_(p, -bound, bound, options);
        }
      }
    }
  }

  protected baseConfig() {
    return {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      numLayers: this.numLayers,
      bias: this.bias,
      batchFirst: this.batchFirst,
      dropout: this.dropout,
      bidirectional: this.bidirectional,
    };
  }

  /**
   * Runs the stacked recurrence. x is [T, B, I] ([B, T, I] when batchFirst)
   * or unbatched [T, I]; each initial state is [layers·directions, B, H]
   * (unbatched: [layers·directions, H]; LSTM's h has projSize features when
   * projected) or zeros when absent. Returns the last
   * layer's output for every step and the final states.
   */
  protected run(x: t.Tensor, initial: readonly (t.Tensor | null | undefined)[], cell: Cell): { output: t.Tensor; final: t.Tensor[] } {
    const directions = this.bidirectional ? 2 : 1;
    const unbatched = x.rank === 2;
    if ((x.rank !== 3 && x.rank !== 2) || x.shape[x.rank - 1] !== this.inputSize) {
      const layout = this.batchFirst ? '[batch, time, features]' : '[time, batch, features]';
      throw new t.ShapeError(
        `${this.typeName}: expected input ${layout} (or unbatched [time, features]) with ${this.inputSize} features, got [${x.shape.join(',')}]`,
      );
    }
    let seq = unbatched ? x.unsqueeze(1) : this.batchFirst ? x.transpose(0, 1) : x;
    const [steps, batch] = seq.shape;
    // State 0 (h) has projSize features when projected; the others (LSTM's c) hiddenSize.
    const sizeOf = (i: number) => (i === 0 && this.projSize ? this.projSize : this.hiddenSize);
    const states = initial.map((s, i) => {
      const stateShape = [this.numLayers * directions, batch, sizeOf(i)];
      if (!s) return t.zeros(stateShape, { dtype: x.dtype });
      const given = unbatched ? s.unsqueeze(1) : s;
      if (given.shape.join() !== stateShape.join()) {
        const want = unbatched ? [stateShape[0], stateShape[2]] : stateShape;
        throw new t.ShapeError(`${this.typeName}: initial state ${i} must be [${want.join(',')}], got [${s.shape.join(',')}]`);
      }
      return given;
    });
    const finals: t.Tensor[][] = initial.map(() => []);
    for (let k = 0; k < this.numLayers; k++) {
      const outs: t.Tensor[] = [];
      for (let d = 0; d < directions; d++) {
        const suffix = `l${k}${d ? '_reverse' : ''}`;
        const wih = this.param(`weight_ih_${suffix}`);
        const whh = this.param(`weight_hh_${suffix}`);
        const bih = this.optionalParam(`bias_ih_${suffix}`);
        const bhh = this.optionalParam(`bias_hh_${suffix}`);
        const whr = this.projSize ? this.param(`weight_hr_${suffix}`) : null;
        // The input projection of every step in one product.
        const proj = t.linear(seq, wih, bih);
        let current = states.map((s, j) => s.narrow(0, k * directions + d, 1).reshape([batch, sizeOf(j)]));
        const hs: t.Tensor[] = new Array(steps);
        for (let i = 0; i < steps; i++) {
          const step = d === 0 ? i : steps - 1 - i;
          current = cell(proj.narrow(0, step, 1).reshape([batch, proj.shape[2]]), current, whh, bhh, whr);
          hs[step] = current[0];
        }
        outs.push(t.stack(hs, 0));
        current.forEach((s, j) => finals[j].push(s));
      }
      seq = directions === 1 ? outs[0] : t.concat(outs, 2);
      if (k < this.numLayers - 1) seq = dropout(seq, this.dropout, this.training, this.rng ?? t.defaultRng());
    }
    let output = seq;
    let final = finals.map((list) => t.stack(list, 0));
    if (unbatched) {
      output = output.squeeze(1);
      final = final.map((s) => s.squeeze(1));
    } else if (this.batchFirst) {
      output = output.transpose(0, 1);
    }
    return { output, final };
  }
}

/** The gates of a step: gi + gh split into `n` chunks of hidden size along the features. */
export function chunks(x: t.Tensor, n: number): t.Tensor[] {
  return x.split(x.shape[1] / n, 1);
}
