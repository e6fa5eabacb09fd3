import * as t from '@tensile/core';
import { Module } from './module.js';

export interface UnfoldOptions {
  dilation?: t.Pair;
  padding?: t.Pair;
  stride?: t.Pair;
}
export type FoldOptions = UnfoldOptions;

/**
 * Sliding windows as columns (torch.nn.Unfold, im2col): [N, C, H, W] → [N, C·kh·kw, L].
 *
 * @example
 * new Unfold(3, { padding: 1 }).call(x) // [n, c, h, w] → [n, 9c, h·w]
 */
export class Unfold extends Module {
  readonly typeName = 'Unfold';

  constructor(
    readonly kernelSize: t.Pair,
    readonly options: UnfoldOptions = {},
  ) {
    super();
  }

  get config() {
    const { dilation, padding, stride } = this.options;
    return { kernelSize: this.kernelSize, dilation, padding, stride } as { kernelSize: t.Pair };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.unfold(x, this.kernelSize, this.options);
  }
}

/**
 * Columns summed back into an image (torch.nn.Fold, col2im), the adjoint of Unfold:
 * [N, C·kh·kw, L] → [N, C, H, W]; overlapping windows add up.
 *
 * @example
 * new Fold([4, 5], [2, 2]).call(cols) // [n, 4c, 12] → [n, c, 4, 5]
 */
export class Fold extends Module {
  readonly typeName = 'Fold';

  constructor(
    readonly outputSize: t.Pair,
    readonly kernelSize: t.Pair,
    readonly options: FoldOptions = {},
  ) {
    super();
  }

  get config() {
    const { dilation, padding, stride } = this.options;
    return { outputSize: this.outputSize, kernelSize: this.kernelSize, dilation, padding, stride } as {
      outputSize: t.Pair;
      kernelSize: t.Pair;
    };
  }

  forward(x: t.Tensor): t.Tensor {
    return t.fold(x, this.outputSize, this.kernelSize, this.options);
  }
}
