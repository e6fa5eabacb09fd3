import * as t from '@tensile/core';
import { RNNBase, chunks, type RNNBaseOptions } from './rnn-base.js';

/**
 * Gated recurrent unit with PyTorch's exact formula and gate order (reset,
 * update, new): r = σ(W_ir x + b_ir + W_hr h + b_hr), z likewise,
 * n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h' = (1-z)⊙n + z⊙h.
 * forward(x, h0?) → [output, hN].
 */
export class GRU extends RNNBase {
  readonly typeName = 'GRU';

  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super('GRU', 3, inputSize, hiddenSize, options);
  }

  get config() {
    return this.baseConfig();
  }

  forward(x: t.Tensor, h0?: t.Tensor | null): [t.Tensor, t.Tensor] {
    const { output, final } = this.run(x, [h0], (gi, [h], whh, bhh) => {
      const [ir, iz, inew] = chunks(gi, 3);
      const [hr, hz, hnew] = chunks(t.linear(h, whh, bhh), 3);
      const r = ir.add(hr).sigmoid();
      const z = iz.add(hz).sigmoid();
      const n = inew.add(r.mul(hnew)).tanh();
      return [n.add(z.mul(h.sub(n)))];
    });
    return [output, final[0]];
  }
}
