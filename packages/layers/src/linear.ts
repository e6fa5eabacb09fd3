import * as t from '@tensile/core';
import { linearDefault_ } from './init.js';
import { Module, type Parameter } from './module.js';

export interface LinearOptions {
  /** Add a learned bias (default true). */
  bias?: boolean;
  /** Generator for the initial weights (default: core's default rng). */
  rng?: t.Rng;
}

/**
 * y = x·Wᵀ + b over the last axis, W [out, in] and b [out] as PyTorch lays
 * them out; initialised as PyTorch's default (U(±1/√in)).
 *
 * @example
 * new Linear(784, 10).call(x) // x [batch, 784] → [batch, 10]
 */
export class Linear extends Module {
  readonly typeName = 'Linear';
  /** [out, in]. */
  declare readonly weight: Parameter;
  /** [out], or null when built with `bias: false`. */
  declare readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkSize('Linear', 'inFeatures', inFeatures);
    checkSize('Linear', 'outFeatures', outFeatures);
    const w = this.addParameter('weight', t.zeros([outFeatures, inFeatures]))!;
    const b = this.addParameter('bias', (options.bias ?? true) ? t.zeros([outFeatures]) : null);
    linearDefault_(w, b, options);
  }

  get config() {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.linear(x, this.weight, this.bias);
  }
}

/** Throws unless v is a positive integer (a layer size). */
export function checkSize(layer: string, name: string, v: unknown, min = 1): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new t.ArgumentError(`${layer}: ${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  }
}
