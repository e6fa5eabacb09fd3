/**
 * Method-style ops on Tensor (`x.matmul(w).add(b).relu()`): each forwards to
 * the function of the same name, so there is one implementation of each op.
 */
import type { DType } from './backend/backend.js';
import { backward, type BackwardOptions } from './autograd.js';
import { cast } from './ops/cast.js';
import { checkNumber } from './ops/creation.js';
import { linear, logSoftmax, softmax } from './ops/composite.js';
import { composedMethods } from './ops/composed-methods.js';
import * as ew from './ops/elementwise.js';
import { INDEXING_OPS, type IndexingDecl } from './ops/indexing-table.js';
import { matmul, type MatmulOptions } from './ops/matmul.js';
import { MOVEMENT_OPS, type MovementDecl } from './ops/movement-table.js';
import { norm, type NormOrder } from './ops/norm.js';
import * as red from './ops/reduce.js';
import * as scan from './ops/scan.js';
import * as srt from './ops/sort.js';
import * as sh from './ops/shape.js';
import { traceDetach } from './flow.js';
import { Tensor, fromHandle, viewOf } from './tensor.js';
import type { TensorLike } from './ops/util.js';

type Method = (this: Tensor, ...args: never[]) => unknown;
const methods: Record<string, Method> = {
  floorDivide(b: TensorLike) {
    return ew.floorDivide(this, b);
  },
  logicalXor(b: Tensor) {
    return ew.logicalXor(this, b);
  },
  clamp(min?: number | null, max?: number | null) {
    return ew.clamp(this, min, max);
  },
  max(axis?: red.Axes, keepdims?: boolean) {
    return red.max(this, axis as readonly number[], keepdims);
  },
  min(axis?: red.Axes, keepdims?: boolean) {
    return red.min(this, axis as readonly number[], keepdims);
  },
  sort(dim?: number, descending?: boolean) {
    return srt.sort(this, dim, descending);
  },
  argsort(dim?: number, descending?: boolean) {
    return srt.argsort(this, dim, descending);
  },
  topk(k: number, dim?: number, largest?: boolean, sorted?: boolean) {
    return srt.topk(this, k, dim, largest, sorted);
  },
  kthvalue(k: number, dim?: number, keepdim?: boolean) {
    return srt.kthvalue(this, k, dim, keepdim);
  },
  median(dim?: number, keepdim?: boolean) {
    return srt.median(this, dim as number, keepdim);
  },
  nanmedian(dim?: number, keepdim?: boolean) {
    return srt.nanmedian(this, dim as number, keepdim);
  },
  norm(p?: NormOrder, dim?: red.Axes, keepdim?: boolean) {
    return norm(this, p, dim, keepdim);
  },
  var(axis?: red.Axes, options?: red.VarOptions) {
    return red.variance(this, axis, options);
  },
  std(axis?: red.Axes, options?: red.VarOptions) {
    return red.std(this, axis, options);
  },
  softmax(axis?: number) {
    return softmax(this, axis);
  },
  logSoftmax(axis?: number) {
    return logSoftmax(this, axis);
  },
  matmul(b: Tensor, options?: MatmulOptions) {
    return matmul(this, b, options);
  },
  linear(weight: Tensor, bias?: Tensor | null) {
    return linear(this, weight, bias);
  },
  view(shape: readonly number[]) {
    return sh.reshape(this, shape);
  },
  pad(pads: readonly (readonly [number, number])[], value?: number) {
    return sh.pad(this, pads, value);
  },
  split(sizes: number | readonly number[], axis?: number) {
    return sh.split(this, sizes, axis);
  },
  where(cond: Tensor, other: TensorLike) {
    return ew.where(cond, this, other);
  },
  cast(dtype: DType) {
    return cast(this, dtype);
  },
  clone() {
    return sh.clone(this);
  },
  contiguous() {
    return sh.contiguous(this);
  },
  detach() {
    this.assertUsable('detach');
    const out = viewOf(this, this.shape);
    traceDetach(out, this);
    return out;
  },
  zerosLike() {
    return fillLike(this, 0);
  },
  onesLike() {
    return fillLike(this, 1);
  },
  fullLike(value: number) {
    return fillLike(this, checkNumber('fullLike', 'value', value));
  },
  backward(seedOrOptions?: Tensor | BackwardOptions | null, options?: BackwardOptions) {
    backward(this, seedOrOptions, options);
  },
};

/**
 * Puts the methods on Tensor.prototype. Called by the package entry (not a
 * side effect of importing this file), so bundlers that trust
 * "sideEffects": false cannot drop it.
 */
export function installTensorMethods(): void {
  Object.assign(methods, composedMethods);
  // One method per table op, so a new op in a table is a method at once.
  for (const [name, fn] of Object.entries(ew.unaryFunctions) as [string, (x: Tensor, options?: object) => Tensor][]) {
    methods[name] = function (this: Tensor, options?: object) {
      return fn(this, options);
    };
  }
  for (const [name, fn] of Object.entries(scan.scanFunctions)) {
    methods[name] = function (this: Tensor, dim: number) {
      return fn(this, dim);
    };
  }
  for (const [name, fn] of Object.entries(red.reduceFunctions) as [string, (x: Tensor, axis?: red.Axes, keepdims?: boolean) => Tensor][]) {
    methods[name] = function (this: Tensor, axis?: red.Axes, keepdims?: boolean) {
      return fn(this, axis, keepdims);
    };
  }
  for (const [name, fn] of Object.entries(ew.binaryFunctions) as [string, (a: Tensor, b: TensorLike, options?: object) => Tensor][]) {
    methods[name] = function (this: Tensor, b: TensorLike, options?: object) {
      return fn(this, b, options);
    };
  }
  // One method per indexing-table op, and its …Async form where it has one.
  for (const [name, decl] of Object.entries(INDEXING_OPS) as [string, IndexingDecl][]) {
    const forms: [string, (...args: unknown[]) => unknown][] = [[name, decl.fn as (...args: unknown[]) => unknown]];
    if (decl.async) forms.push([`${name}Async`, decl.async as (...args: unknown[]) => unknown]);
    for (const [method, fn] of forms) {
      methods[method] = function (this: Tensor, ...args: unknown[]) {
        return fn(this, ...args);
      };
    }
  }
  // One method per movement-table op.
  for (const [name, decl] of Object.entries(MOVEMENT_OPS) as unknown as [string, MovementDecl<readonly unknown[]>][]) {
    methods[name] = function (this: Tensor, ...args: unknown[]) {
      return decl.fn(this, ...args);
    };
  }
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
  }
  Object.defineProperty(Tensor.prototype, 'T', {
    get(this: Tensor) {
      return sh.transpose(this);
    },
    configurable: true,
  });
}

/** A tensor like x (shape, dtype, backend) filled with value. */
function fillLike(x: Tensor, value: number): Tensor {
  const b = x.backend;
  return fromHandle(b, b.fill(x.size, value, x.dtype), x.shape, x.dtype);
}

/** Zeros with x's shape, dtype and backend. */
export const zerosLike = (x: Tensor): Tensor => fillLike(x, 0);
/** Ones with x's shape, dtype and backend. */
export const onesLike = (x: Tensor): Tensor => fillLike(x, 1);
