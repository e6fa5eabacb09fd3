import * as t from '@tensile/core';
import { sizes } from './conv-base.js';
import { linearDefault_ } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface ConvTransposeOptions<S> {
  stride?: S;
  /** Trims this many entries from each side of the output (the conv it transposes padded its input by this much). */
  padding?: S;
  /** Extra size on one side of each output axis (smaller than stride or dilation). */
  outputPadding?: S;
  groups?: number;
  bias?: boolean;
  dilation?: S;
  /** Only 'zeros', as PyTorch. */
  paddingMode?: 'zeros';
  rng?: t.Rng;
}

export type ConvTranspose1dOptions = ConvTransposeOptions<number | readonly [number]>;
export type ConvTranspose2dOptions = ConvTransposeOptions<t.Pair>;

/**
 * What ConvTranspose1d and ConvTranspose2d share: weight [in, out/groups, k…]
 * and bias [out] (PyTorch's layout and default initialisation, whose fan-in
 * is out/groups·k), and forward's optional outputSize, which picks
 * outputPadding as PyTorch does.
 */
abstract class ConvTransposeNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly dilation: number[];
  readonly groups: number;
  /** [in, out/groups, k…]. */
  declare readonly weight: Parameter;
  /** [out], or null when built with `bias: false`. */
  declare readonly bias: Parameter | null;

  constructor(
    private readonly layer: string,
    dims: number,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvTransposeOptions<number | readonly number[]>,
  ) {
    super();
    checkSize(layer, 'inChannels', inChannels);
    checkSize(layer, 'outChannels', outChannels);
    this.kernelSize = sizes(layer, 'kernelSize', kernelSize, dims);
    this.stride = sizes(layer, 'stride', options.stride ?? 1, dims);
    this.padding = sizes(layer, 'padding', options.padding ?? 0, dims, 0);
    this.outputPadding = sizes(layer, 'outputPadding', options.outputPadding ?? 0, dims, 0);
    this.dilation = sizes(layer, 'dilation', options.dilation ?? 1, dims);
    this.groups = options.groups ?? 1;
    checkSize(layer, 'groups', this.groups);
    if ((options.paddingMode ?? 'zeros') !== 'zeros') {
      throw new t.ArgumentError(`${layer}: only paddingMode 'zeros' is supported (as PyTorch), got '${options.paddingMode}'`);
    }
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new t.ArgumentError(`${layer}: groups ${this.groups} must divide inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    const w = this.addParameter('weight', t.zeros([inChannels, outChannels / this.groups, ...this.kernelSize]))!;
    const b = this.addParameter('bias', (options.bias ?? true) ? t.zeros([outChannels]) : null);
    linearDefault_(w, b, options);
  }

  get config() {
    return {
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      groups: this.groups,
      bias: this.bias !== null,
      dilation: this.dilation,
    };
  }

  /** PyTorch's _output_padding: the configured one, or what makes the output `outputSize` (its last spatial entries). */
  protected outputPaddingFor(x: t.Tensor, outputSize: readonly number[] | undefined): number[] {
    const dims = this.kernelSize.length;
    if ((x.rank !== dims + 2 && x.rank !== dims + 1) || x.shape[x.rank - dims - 1] !== this.inChannels) {
      const axes = dims === 1 ? 'L' : 'H, W';
      throw new t.ShapeError(
        `${this.layer}(${this.inChannels}, ${this.outChannels}): expected input [N, ${this.inChannels}, ${axes}] or [${this.inChannels}, ${axes}], got [${x.shape.join(',')}]`,
      );
    }
    if (!outputSize) return this.outputPadding;
    const want = outputSize.slice(-dims);
    if (want.length !== dims)
      throw new t.ArgumentError(`${this.layer}: outputSize ${JSON.stringify(outputSize)} needs ${dims} spatial sizes`);
    return want.map((size, d) => {
      const n = x.shape[x.rank - dims + d];
      const min = (n - 1) * this.stride[d] - 2 * this.padding[d] + this.dilation[d] * (this.kernelSize[d] - 1) + 1;
      const max = min + this.stride[d] - 1;
      if (size < min || size > max) {
        throw new t.ArgumentError(
          `${this.layer}: requested outputSize ${JSON.stringify(outputSize)}: axis ${d} must be in [${min}, ${max}] for input [${x.shape.join(',')}]`,
        );
      }
      return size - min;
    });
  }
}

/**
 * Transposed 2-D convolution (torch.nn.ConvTranspose2d, "deconvolution"):
 * [N, C_in, H, W] (or [C_in, H, W]) → [N, C_out, H', W'] with
 * H' = (H - 1)·stride - 2·padding + dilation·(k - 1) + outputPadding + 1;
 * weight [in, out/groups, kh, kw] and bias [out] load from a PyTorch state_dict unchanged.
 *
 * @example
 * new ConvTranspose2d(64, 32, 2, { stride: 2 }).call(x) // [n, 64, h, w] → [n, 32, 2h, 2w]
 */
export class ConvTranspose2d extends ConvTransposeNd {
  readonly typeName = 'ConvTranspose2d';

  constructor(inChannels: number, outChannels: number, kernelSize: t.Pair, options: ConvTranspose2dOptions = {}) {
    super('ConvTranspose2d', 2, inChannels, outChannels, kernelSize, options);
  }

  /** `outputSize` ([H', W'] or a full shape) picks the outputPadding that gives it. */
  forward(x: t.Tensor, outputSize?: readonly number[]): t.Tensor {
    const outputPadding = this.outputPaddingFor(x, outputSize);
    return t.convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride as [number, number],
      padding: this.padding as [number, number],
      outputPadding: outputPadding as [number, number],
      groups: this.groups,
      dilation: this.dilation as [number, number],
    });
  }
}

/**
 * Transposed 1-D convolution (torch.nn.ConvTranspose1d): [N, C_in, L] (or
 * [C_in, L]) → [N, C_out, L'], weight [in, out/groups, k], bias [out].
 *
 * @example
 * new ConvTranspose1d(8, 4, 4, { stride: 2, padding: 1 }).call(x) // [n, 8, l] → [n, 4, 2l]
 */
export class ConvTranspose1d extends ConvTransposeNd {
  readonly typeName = 'ConvTranspose1d';

  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number], options: ConvTranspose1dOptions = {}) {
    super('ConvTranspose1d', 1, inChannels, outChannels, kernelSize, options);
  }

  /** `outputSize` ([L'] or a full shape) picks the outputPadding that gives it. */
  forward(x: t.Tensor, outputSize?: readonly number[]): t.Tensor {
    const outputPadding = this.outputPaddingFor(x, outputSize);
    return t.convTranspose1d(x, this.weight, this.bias, {
      stride: this.stride[0],
      padding: this.padding[0],
      outputPadding: outputPadding[0],
      groups: this.groups,
      dilation: this.dilation[0],
    });
  }
}
