import * as t from '@tensile/core';
import { ConfigModule, Linear } from '@tensile/layers';

/** GatedLinear's constructor config, saved as is in model files and specs. */
export type GatedLinearConfig = {
  inFeatures: number;
  outFeatures: number;
  /** Add learned biases (default true). */
  bias?: boolean;
};

/**
 * A gated linear unit (Dauphin et al., 2017): y = (x·Aᵀ + a) ⊙ σ(x·Bᵀ + b).
 * One Linear layer computes both halves ([value | gate] along the last
 * axis), so its parameters are `proj.weight` [2·out, in] and `proj.bias`
 * [2·out], as `torch.nn.functional.glu(nn.Linear(in, 2*out)(x))` lays them out.
 *
 * A ConfigModule: the constructor and forward are all it takes; its config
 * is the object the constructor receives, and `registerModule(GatedLinear)`
 * (see index.ts) derives its registry entry.
 *
 * @example
 * new GatedLinear({ inFeatures: 784, outFeatures: 128 }).call(x) // x [batch, 784] → [batch, 128]
 */
export class GatedLinear extends ConfigModule<GatedLinearConfig, [t.Tensor], t.Tensor> {
  readonly proj: Linear;

  constructor(config: GatedLinearConfig) {
    super(config);
    for (const name of ['inFeatures', 'outFeatures'] as const) {
      const v = config[name];
      if (!Number.isInteger(v) || v < 1)
        throw new t.ArgumentError(`GatedLinear: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    this.proj = this.addModule('proj', new Linear(config.inFeatures, 2 * config.outFeatures, { bias: config.bias ?? true }));
  }

  forward(x: t.Tensor): t.Tensor {
    return t.tidy(() => {
      const h = this.proj.call(x);
      const out = this.config.outFeatures;
      const value = h.narrow(-1, 0, out);
      const gate = h.narrow(-1, out, out);
      return value.mul(gate.sigmoid());
    });
  }
}
