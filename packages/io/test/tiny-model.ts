import * as t from '@tensile/core';

/**
 * A stand-in with the state-dict contract of a layers Module (PyTorch names,
 * a float weight and an int32 counter, loadStateDict copying values), used to
 * test files and checkpoints independently of @tensile/layers.
 */
export class TinyModel {
  params: Record<string, t.Tensor>;

  constructor(seed: number) {
    const rng = new t.Rng(seed);
    this.params = {
      'fc.weight': t.randn([3, 2], { rng }),
      'fc.bias': t.randn([3], { rng }),
      'bn.num_batches_tracked': t.tensor(new Int32Array([seed]), { shape: [] }),
    };
  }

  stateDict(): Record<string, t.Tensor> {
    return { ...this.params };
  }

  loadStateDict(state: Record<string, t.Tensor>): void {
    for (const [name, value] of Object.entries(state)) {
      const old = this.params[name];
      this.params[name] = t.clone(value);
      old.dispose();
    }
  }
}

/** A stand-in optimizer whose state, like Adam's, mixes tensors, numbers and groups. */
export class TinyOptimizer {
  state: { step: number; exp_avg: t.Tensor; best: number }[];
  groups = [{ lr: 0.01, betas: [0.9, 0.999] }];

  constructor(model: TinyModel) {
    this.state = [{ step: 0, exp_avg: t.zeros(model.params['fc.weight'].shape), best: Infinity }];
  }

  stateDict(): unknown {
    return { state: this.state, param_groups: this.groups };
  }

  loadStateDict(s: { state: TinyOptimizer['state']; param_groups: TinyOptimizer['groups'] }): void {
    if (!Array.isArray(s.state) || s.state.length !== this.state.length)
      throw new Error('TinyOptimizer: state has the wrong number of params');
    for (const entry of this.state) entry.exp_avg.dispose();
    // Copies what it keeps, as the Stateful contract asks (loadCheckpoint frees what it read).
    this.state = s.state.map((entry) => ({ ...entry, exp_avg: t.clone(entry.exp_avg) }));
    this.groups = s.param_groups;
  }
}
