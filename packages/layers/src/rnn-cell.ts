import * as t from '@tensile/core';
import { uniform_, type InitOptions } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';
import { chunks } from './rnn-base.js';

export interface RNNCellOptions extends InitOptions {
  /** Learn bias_ih and bias_hh (default true). */
  bias?: boolean;
}

/**
 * One step of a recurrent layer, shared by RNNCell, LSTMCell and GRUCell:
 * PyTorch's weight_ih [G·H, I], weight_hh [G·H, H], bias_ih and bias_hh
 * [G·H], all initialised U(±1/√H). Input is [B, I] or unbatched [I]; a
 * missing state starts at zeros.
 */
abstract class RNNCellBase extends Module {
  readonly bias: boolean;
  declare readonly weightIh: Parameter;
  declare readonly weightHh: Parameter;
  /** Null when built with `bias: false`. */
  declare readonly biasIh: Parameter | null;
  declare readonly biasHh: Parameter | null;

  constructor(
    layerName: string,
    gates: number,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RNNCellOptions,
  ) {
    super();
    checkSize(layerName, 'inputSize', inputSize);
    checkSize(layerName, 'hiddenSize', hiddenSize);
    this.bias = options.bias ?? true;
    const bound = 1 / Math.sqrt(hiddenSize);
    const shapes: [string, number[] | null][] = [
      ['weight_ih', [gates * hiddenSize, inputSize]],
      ['weight_hh', [gates * hiddenSize, hiddenSize]],
      ['bias_ih', this.bias ? [gates * hiddenSize] : null],
      ['bias_hh', this.bias ? [gates * hiddenSize] : null],
    ];
    for (const [name, shape] of shapes) {
      const p = this.addParameter(name, shape ? t.zeros(shape) : null);
      if (p) uniform_(p, -bound, bound, options);
    }
  }

  protected baseConfig() {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias };
  }

  /** x as [B, I] (and whether it came unbatched), checked. */
  protected batchedInput(x: t.Tensor): [t.Tensor, boolean] {
    if ((x.rank !== 1 && x.rank !== 2) || x.shape[x.rank - 1] !== this.inputSize) {
      throw new t.ShapeError(
        `${this.typeName}(${this.inputSize}, ${this.hiddenSize}): expected input [B, ${this.inputSize}] or [${this.inputSize}], got [${x.shape.join(',')}]`,
      );
    }
    return x.rank === 1 ? [x.unsqueeze(0), true] : [x, false];
  }

  /** A state as [B, H]: zeros when absent, checked against the batch otherwise. */
  protected batchedState(h: t.Tensor | null | undefined, batch: number, unbatched: boolean, name: string, like: t.Tensor): t.Tensor {
    if (h == null) return t.zeros([batch, this.hiddenSize], { dtype: like.dtype });
    const want = unbatched ? [this.hiddenSize] : [batch, this.hiddenSize];
    if (h.shape.join() !== want.join()) {
      throw new t.ShapeError(`${this.typeName}: ${name} must be [${want.join(',')}], got [${h.shape.join(',')}]`);
    }
    return unbatched ? h.unsqueeze(0) : h;
  }

  /** The input and hidden projections, each [B, G·H]. */
  protected projections(x: t.Tensor, h: t.Tensor): [t.Tensor, t.Tensor] {
    return [t.linear(x, this.weightIh, this.biasIh), t.linear(h, this.weightHh, this.biasHh)];
  }
}

/**
 * h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (or relu), as torch.nn.RNNCell.
 *
 * @example
 * const h1 = new RNNCell(8, 16).call(x, h0) // x [B, 8], h0 [B, 16]
 */
export class RNNCell extends RNNCellBase {
  readonly typeName = 'RNNCell';
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    super('RNNCell', 1, inputSize, hiddenSize, options);
    this.nonlinearity = options.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') {
      throw new t.ArgumentError(`RNNCell: nonlinearity must be 'tanh' or 'relu', got '${String(this.nonlinearity)}'`);
    }
  }

  get config() {
    return { ...this.baseConfig(), nonlinearity: this.nonlinearity };
  }

  forward(input: t.Tensor, hx?: t.Tensor | null): t.Tensor {
    const [x, unbatched] = this.batchedInput(input);
    const h = this.batchedState(hx, x.shape[0], unbatched, 'hx', x);
    const [gi, gh] = this.projections(x, h);
    const pre = gi.add(gh);
    const next = this.nonlinearity === 'relu' ? pre.relu() : pre.tanh();
    return unbatched ? next.squeeze(0) : next;
  }
}

/**
 * One LSTM step with PyTorch's gate order (input, forget, cell, output):
 * forward(x, [h, c]?) → [h', c'], as torch.nn.LSTMCell.
 */
export class LSTMCell extends RNNCellBase {
  readonly typeName = 'LSTMCell';

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super('LSTMCell', 4, inputSize, hiddenSize, options);
  }

  get config() {
    return this.baseConfig();
  }

  forward(input: t.Tensor, state?: readonly [t.Tensor, t.Tensor] | null): [t.Tensor, t.Tensor] {
    const [x, unbatched] = this.batchedInput(input);
    const h = this.batchedState(state?.[0], x.shape[0], unbatched, 'h', x);
    const c = this.batchedState(state?.[1], x.shape[0], unbatched, 'c', x);
    const [gi, gh] = this.projections(x, h);
    const [i, f, g, o] = chunks(gi.add(gh), 4);
    const c1 = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
    const h1 = o.sigmoid().mul(c1.tanh());
    return unbatched ? [h1.squeeze(0), c1.squeeze(0)] : [h1, c1];
  }
}

/**
 * One GRU step (reset, update, new gates, PyTorch's order; the reset gate
 * multiplies the hidden projection including its bias), as torch.nn.GRUCell.
 */
export class GRUCell extends RNNCellBase {
  readonly typeName = 'GRUCell';

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super('GRUCell', 3, inputSize, hiddenSize, options);
  }

  get config() {
    return this.baseConfig();
  }

  forward(input: t.Tensor, hx?: t.Tensor | null): t.Tensor {
    const [x, unbatched] = this.batchedInput(input);
    const h = this.batchedState(hx, x.shape[0], unbatched, 'hx', x);
    const [gi, gh] = this.projections(x, h);
    const [ir, iz, inew] = chunks(gi, 3);
    const [hr, hz, hnew] = chunks(gh, 3);
    const r = ir.add(hr).sigmoid();
    const z = iz.add(hz).sigmoid();
    const n = inew.add(r.mul(hnew)).tanh();
    const next = n.add(z.mul(h.sub(n)));
    return unbatched ? next.squeeze(0) : next;
  }
}
