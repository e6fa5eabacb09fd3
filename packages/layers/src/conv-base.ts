import * as t from '@tensile/core';
import { linearDefault_ } from './init.js';
import { checkSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/** How a Conv layer pads its input (PyTorch's padding_mode): zeros, or t.pad's reflect / replicate / circular. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** One size per spatial axis, or one for all. */
export type Sizes<N extends number> = N extends 1
  ? number | readonly [number]
  : N extends 2
    ? number | readonly [number, number]
    : number | readonly [number, number, number];

export interface ConvNdOptions<N extends number> {
  stride?: Sizes<N>;
  /** Zero padding per side, or 'valid' (none) or 'same' (output size = input size; stride 1). */
  padding?: Sizes<N> | 'valid' | 'same';
  dilation?: Sizes<N>;
  groups?: number;
  bias?: boolean;
  /** What the padding holds (default 'zeros'). */
  paddingMode?: PaddingMode;
  rng?: t.Rng;
}

const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** A size or list of sizes as one entry per spatial axis, checked. */
export function sizes(layer: string, name: string, v: number | readonly number[], n: number, min = 1): number[] {
  const out = typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
  if (out.length !== n || out.some((x) => !Number.isInteger(x) || x < min)) {
    throw new t.ArgumentError(`${layer}: ${name} ${JSON.stringify(v)} must be ${n} integer(s) ≥ ${min}`);
  }
  return out;
}

/**
 * What Conv1d, Conv2d and Conv3d share: PyTorch's parameters (weight [out,
 * in/groups, k…], bias [out]) and default initialisation, their config, and
 * paddingMode (the input padded by t.pad, then a conv without padding, as PyTorch).
 */
export abstract class ConvNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'valid' | 'same';
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** [out, in/groups, k…]. */
  declare readonly weight: Parameter;
  /** [out], or null when built with `bias: false`. */
  declare readonly bias: Parameter | null;

  constructor(
    layer: string,
    dims: number,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvNdOptions<number>,
  ) {
    super();
    checkSize(layer, 'inChannels', inChannels);
    checkSize(layer, 'outChannels', outChannels);
    this.kernelSize = sizes(layer, 'kernelSize', kernelSize, dims);
    this.stride = sizes(layer, 'stride', options.stride ?? 1, dims);
    const p = options.padding ?? 0;
    this.padding = p === 'same' || p === 'valid' ? p : sizes(layer, 'padding', p as number | readonly number[], dims, 0);
    this.dilation = sizes(layer, 'dilation', options.dilation ?? 1, dims);
    this.groups = options.groups ?? 1;
    this.paddingMode = options.paddingMode ?? 'zeros';
    checkSize(layer, 'groups', this.groups);
    if (!PADDING_MODES.includes(this.paddingMode)) {
      throw new t.ArgumentError(`${layer}: paddingMode '${this.paddingMode}' must be one of ${PADDING_MODES.join(', ')}`);
    }
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new t.ArgumentError(`${layer}: groups ${this.groups} must divide inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    if (this.padding === 'same' && this.stride.some((s) => s !== 1)) {
      throw new t.ArgumentError(`${layer}: padding 'same' needs stride 1, got [${this.stride.join(',')}]`);
    }
    const w = this.addParameter('weight', t.zeros([outChannels, inChannels / this.groups, ...this.kernelSize]))!;
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
      dilation: this.dilation,
      groups: this.groups,
      bias: this.bias !== null,
      paddingMode: this.paddingMode,
    };
  }

  /** Checks x is [N, C, …] or [C, …] with inChannels channels, naming the layer. */
  protected checkInput(layer: string, x: t.Tensor): void {
    const dims = this.kernelSize.length;
    if ((x.rank !== dims + 2 && x.rank !== dims + 1) || x.shape[x.rank - dims - 1] !== this.inChannels) {
      const axes = ['L', 'H, W', 'D, H, W'][dims - 1];
      throw new t.ShapeError(
        `${layer}(${this.inChannels}, ${this.outChannels}, kernelSize [${this.kernelSize.join(',')}]): ` +
          `expected input [N, ${this.inChannels}, ${axes}] or [${this.inChannels}, ${axes}], got [${x.shape.join(',')}]`,
      );
    }
  }

  /**
   * The input and the padding to convolve with: for paddingMode other than
   * zeros, x padded by t.pad in that mode ('same' split as PyTorch: the odd
   * extra entry after) and no further padding.
   */
  protected padded(x: t.Tensor): { x: t.Tensor; padding: number[] | 'valid' | 'same' } {
    if (this.paddingMode === 'zeros' || this.padding === 'valid') return { x, padding: this.padding };
    const pairs = this.kernelSize.map((k, i): [number, number] => {
      if (this.padding === 'same') {
        const total = this.dilation[i] * (k - 1);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      }
      const p = (this.padding as number[])[i];
      return [p, p];
    });
    return { x: t.pad(x, pairs, { mode: this.paddingMode }), padding: this.kernelSize.map(() => 0) };
  }
}
