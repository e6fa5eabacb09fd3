import * as t from '@tensile/core';
import { Linear, Module } from '@tensile/layers';

export interface GatedLinearOptions {
  /** Add learned biases (default true). */
  bias?: boolean;
}

/**
 * A gated linear unit (Dauphin et al., 2017): y = (x·Aᵀ + a) ⊙ σ(x·Bᵀ + b).
 * One Linear layer computes both halves ([value | gate] along the last
 * axis), so its parameters are `proj.weight` [2·out, in] and `proj.bias`
 * [2·out], as `torch.nn.functional.glu(nn.Linear(in, 2*out)(x))` lays them out.
 *
 * @example
 * new GatedLinear(784, 128).call(x) // x [batch, 784] → [batch, 128]
 */
export class GatedLinear extends Module {
  readonly typeName = 'GatedLinear';
  readonly bias: boolean;
  private readonly proj: Linear;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: GatedLinearOptions = {},
  ) {
    super();
    for (const [name, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new t.ArgumentError(`GatedLinear: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    this.bias = options.bias ?? true;
    this.proj = this.addModule('proj', new Linear(inFeatures, 2 * outFeatures, { bias: this.bias }));
  }

  get config() {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.tidy(() => {
      const h = this.proj.call(x);
      const value = h.narrow(-1, 0, this.outFeatures);
      const gate = h.narrow(-1, this.outFeatures, this.outFeatures);
      return value.mul(gate.sigmoid());
    });
  }
}
