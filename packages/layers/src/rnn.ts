import * as t from '@tensile/core';
import { RNNBase, type RNNBaseOptions } from './rnn-base.js';

export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * Elman RNN: h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), act tanh or relu.
 * forward(x, h0?) → [output, hN].
 *
 * @example
 * const [out, h] = new RNN(8, 16).call(x) // x [T, B, 8] → out [T, B, 16], h [1, B, 16]
 */
export class RNN extends RNNBase {
  readonly typeName = 'RNN';
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('RNN', 1, inputSize, hiddenSize, options);
    this.nonlinearity = options.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') {
      throw new t.ArgumentError(`RNN: nonlinearity must be 'tanh' or 'relu', got '${String(this.nonlinearity)}'`);
    }
  }

  get config() {
    return { ...this.baseConfig(), nonlinearity: this.nonlinearity };
  }

  forward(x: t.Tensor, h0?: t.Tensor | null): [t.Tensor, t.Tensor] {
    const relu = this.nonlinearity === 'relu';
    const { output, final } = this.run(x, [h0], (gi, [h], whh, bhh) => {
      const pre = gi.add(t.linear(h, whh, bhh));
      return [relu ? pre.relu() : pre.tanh()];
    });
    return [output, final[0]];
  }
}
