import * as t from '@tensile/core';
import { RNNBase, chunks, type RNNBaseOptions } from './rnn-base.js';

/**
 * Long short-term memory with PyTorch's gate order (input, forget, cell,
 * output): c' = f⊙c + i⊙g, h' = o⊙tanh(c'). forward(x, [h0, c0]?) →
 * [output, [hN, cN]].
 *
 * @example
 * const [out, [h, c]] = new LSTM(8, 16, { numLayers: 2 }).call(x) // x [T, B, 8]
 */
export class LSTM extends RNNBase {
  readonly typeName = 'LSTM';

  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super('LSTM', 4, inputSize, hiddenSize, options);
  }

  get config() {
    return this.baseConfig();
  }

  forward(x: t.Tensor, state?: readonly [t.Tensor, t.Tensor] | null): [t.Tensor, [t.Tensor, t.Tensor]] {
    const { output, final } = this.run(x, [state?.[0], state?.[1]], (gi, [h, c], whh, bhh) => {
      const [i, f, g, o] = chunks(gi.add(t.linear(h, whh, bhh)), 4);
      const next = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
      return [o.sigmoid().mul(next.tanh()), next];
    });
    return [output, [final[0], final[1]]];
  }
}
