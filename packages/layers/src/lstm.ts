import * as t from '@tensile/core';
import { RNNBase, chunks, type RNNBaseOptions } from './rnn-base.js';

export interface LSTMOptions extends RNNBaseOptions {
  /**
   * Project h to this many features with weight_hr_l{k} [projSize, hidden]
   * (h' = W_hr·(o⊙tanh(c'))), as PyTorch's proj_size; 0 (default) = none.
   * h and the output then have projSize features, c keeps hiddenSize.
   */
  projSize?: number;
}

/**
 * Long short-term memory with PyTorch's gate order (input, forget, cell,
 * output): c' = f⊙c + i⊙g, h' = o⊙tanh(c') (then W_hr·h' with projSize).
 * forward(x, [h0, c0]?) → [output, [hN, cN]].
 *
 * @example
 * const [out, [h, c]] = new LSTM(8, 16, { numLayers: 2 }).call(x) // x [T, B, 8]
 */
export class LSTM extends RNNBase {
  readonly typeName = 'LSTM';

  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    super('LSTM', 4, inputSize, hiddenSize, options, options.projSize ?? 0);
  }

  get config() {
    return { ...this.baseConfig(), projSize: this.projSize };
  }

  forward(x: t.Tensor, state?: readonly [t.Tensor, t.Tensor] | null): [t.Tensor, [t.Tensor, t.Tensor]] {
    const { output, final } = this.run(x, [state?.[0], state?.[1]], (gi, [h, c], whh, bhh, whr) => {
      const [i, f, g, o] = chunks(gi.add(t.linear(h, whh, bhh)), 4);
      const next = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
      const hNext = o.sigmoid().mul(next.tanh());
      return [whr ? t.linear(hNext, whr) : hNext, next];
    });
    return [output, [final[0], final[1]]];
  }
}
