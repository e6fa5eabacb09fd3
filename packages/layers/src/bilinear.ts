import * as t from '@tensile/core';
import { uniform_, type InitOptions } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface BilinearOptions extends InitOptions {
  /** Add a learned bias (default true). */
  bias?: boolean;
}

/**
 * y_k = x1ᵀ·A_k·x2 + b_k over the last axes, as torch.nn.Bilinear: weight
 * [out, in1, in2] and bias [out], both U(±1/√in1). Leading axes of x1 and
 * x2 must be equal (no broadcasting, as PyTorch). Composed from one matmul:
 * x1·A viewed as [in1, out·in2], then a product with x2 summed over in2.
 *
 * @example
 * new Bilinear(4, 3, 2).call(x1, x2) // x1 [n, 4], x2 [n, 3] → [n, 2]
 */
export class Bilinear extends Module {
  readonly typeName = 'Bilinear';
  /** [out, in1, in2]. */
  declare readonly weight: Parameter;
  /** [out], or null when built with `bias: false`. */
  declare readonly bias: Parameter | null;

  constructor(
    readonly in1Features: number,
    readonly in2Features: number,
    readonly outFeatures: number,
    options: BilinearOptions = {},
  ) {
    super();
    checkSize('Bilinear', 'in1Features', in1Features);
    checkSize('Bilinear', 'in2Features', in2Features);
    checkSize('Bilinear', 'outFeatures', outFeatures);
    const bound = 1 / Math.sqrt(in1Features);
    uniform_(this.addParameter('weight', t.zeros([outFeatures, in1Features, in2Features]))!, -bound, bound, options);
    const b = this.addParameter('bias', (options.bias ?? true) ? t.zeros([outFeatures]) : null);
    if (b) uniform_(b, -bound, bound, options);
  }

  get config() {
    return { in1Features: this.in1Features, in2Features: this.in2Features, outFeatures: this.outFeatures, bias: this.bias !== null };
  }

  forward(x1: t.Tensor, x2: t.Tensor): t.Tensor {
    const [i1, i2, out] = [this.in1Features, this.in2Features, this.outFeatures];
    const lead = x1.shape.slice(0, -1);
    if (
      x1.rank < 1 ||
      x1.shape[x1.rank - 1] !== i1 ||
      x2.rank !== x1.rank ||
      x2.shape[x2.rank - 1] !== i2 ||
      x2.shape.slice(0, -1).join() !== lead.join()
    ) {
      throw new t.ShapeError(
        `Bilinear(${i1}, ${i2}, ${out}): expected x1 [*, ${i1}] and x2 [*, ${i2}] with the same leading axes, got [${x1.shape.join(',')}] and [${x2.shape.join(',')}]`,
      );
    }
    const n = lead.reduce((a, b) => a * b, 1);
    // [n, in1] · [in1, out·in2] → [n, out, in2], times x2 [n, 1, in2], summed over in2.
    const w = this.weight.permute([1, 0, 2]).reshape([i1, out * i2]);
    const xa = x1.reshape([n, i1]).matmul(w).reshape([n, out, i2]);
    let y = xa.mul(x2.reshape([n, 1, i2])).sum(2);
    if (this.bias) y = y.add(this.bias);
    return y.reshape([...lead, out]);
  }
}
