/**
 * Parameter initialisers, as torch.nn.init: each fills a tensor in place
 * (keeping its identity) from a seeded generator and returns it. The
 * generator is `options.rng`, or core's default (`t.manualSeed` reseeds it).
 */
import * as t from '@tensile/core';

export interface InitOptions {
  rng?: t.Rng;
}

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

/** Replaces x's values with `fresh` (same shape and dtype); assign disposes fresh. */
function fill(x: t.Tensor, fresh: t.Tensor): t.Tensor {
  return t.assign(x, fresh);
}

function floatDType(x: t.Tensor, op: string): t.DType {
  if (!t.isFloat(x.dtype)) throw new t.DTypeError(`init.${op}: tensor must be float, got ${x.dtype} [${x.shape.join(',')}]`);
  return x.dtype;
}

export function zeros_(x: t.Tensor): t.Tensor {
  return constant_(x, 0);
}

export function ones_(x: t.Tensor): t.Tensor {
  return constant_(x, 1);
}

export function constant_(x: t.Tensor, value: number): t.Tensor {
  return fill(x, t.full(x.shape, value, { dtype: x.dtype }));
}

/** Uniform values in [low, high). */
export function uniform_(x: t.Tensor, low = 0, high = 1, options: InitOptions = {}): t.Tensor {
  return fill(x, t.rand(x.shape, { low, high, rng: options.rng, dtype: floatDType(x, 'uniform_') }));
}

/** Normal values with mean and std. */
export function normal_(x: t.Tensor, mean = 0, std = 1, options: InitOptions = {}): t.Tensor {
  return fill(x, t.randn(x.shape, { mean, std, rng: options.rng, dtype: floatDType(x, 'normal_') }));
}

/**
 * fan_in and fan_out of a weight as torch.nn.init computes them:
 * shape[1] and shape[0] times the receptive field (the product of the other axes).
 */
export function calculateFanInAndFanOut(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new t.ShapeError(`init: fan in and fan out need a tensor of at least 2 dimensions, got [${shape.join(',')}]`);
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new t.ArgumentError(`init.calculateGain: unknown nonlinearity '${String(nonlinearity)}'`);
  }
}

/** Glorot uniform: U(-a, a) with a = gain·√(6 / (fan_in + fan_out)). */
export function xavierUniform_(x: t.Tensor, gain = 1, options: InitOptions = {}): t.Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(x.shape);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(x, -a, a, options);
}

/** Glorot normal: N(0, gain²·2 / (fan_in + fan_out)). */
export function xavierNormal_(x: t.Tensor, gain = 1, options: InitOptions = {}): t.Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(x.shape);
  return normal_(x, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (default 0). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(x: t.Tensor, options: KaimingOptions): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(x.shape);
  const fan = (options.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** He uniform: U(-b, b) with b = gain·√(3 / fan). */
export function kaimingUniform_(x: t.Tensor, options: KaimingOptions = {}): t.Tensor {
  const bound = Math.sqrt(3) * kaimingStd(x, options);
  return uniform_(x, -bound, bound, options);
}

/** He normal: N(0, gain² / fan). */
export function kaimingNormal_(x: t.Tensor, options: KaimingOptions = {}): t.Tensor {
  return normal_(x, 0, kaimingStd(x, options), options);
}

/**
 * PyTorch's default for Linear and Conv: weight kaiming_uniform(a=√5), i.e.
 * U(±1/√fan_in), and bias U(±1/√fan_in).
 */
export function linearDefault_(weight: t.Tensor, bias: t.Tensor | null, options: InitOptions = {}): void {
  kaimingUniform_(weight, { a: Math.sqrt(5), rng: options.rng });
  if (bias) {
    const { fanIn } = calculateFanInAndFanOut(weight.shape);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound, options);
  }
}
