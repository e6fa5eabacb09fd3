/**
 * One declaration per indexing op (gather, scatter, masks, index_put, …).
 * From this table come the Tensor methods and their types (the method is the
 * function with the tensor as `this`, plus an `…Async` method for the ops
 * whose output size depends on values) and the conformance suite's cases:
 * every example runs forward against `ref` in float32 and float64, and is
 * gradchecked (and gradgradchecked where `secondOrder`) in the tensors it
 * marks differentiable.
 */
import type { DType } from '../backend/backend.js';
import { indexAdd, indexCopy, indexFill, indexPut } from './index-put.js';
import { gather, indexSelect, takeAlongDim } from './indexing.js';
import {
  type IndexingRef,
  gatherRef,
  indexCopyRef,
  indexFillRef,
  indexPutRef,
  indexSelectRef,
  maskedFillRef,
  maskedScatterRef,
  maskedSelectRef,
  nonzeroRef,
  scatterRef,
  takeAlongDimRef,
} from './indexing-refs.js';
import {
  argwhere,
  argwhereAsync,
  maskedFill,
  maskedScatter,
  maskedScatterAsync,
  maskedSelect,
  maskedSelectAsync,
  nonzero,
  nonzeroAsync,
} from './masked.js';
import { type ScatterReduction, scatter, scatterAdd, scatterReduce } from './scatter.js';

/**
 * A tensor argument of an example call. `float` runs in the case's float
 * dtype, with `values` or uniform random values in [-2, 2); `grad` marks it
 * as an input of the gradchecks.
 */
export interface TensorSpec {
  readonly tensor: readonly number[];
  readonly dtype: 'float' | Exclude<DType, 'float32' | 'float64'>;
  readonly values?: readonly number[];
  readonly grad?: boolean;
}

/** An argument of an example call: a tensor, a list of tensors, or a plain value (dim, options). */
export type ExampleArg = TensorSpec | readonly TensorSpec[] | number | string | boolean | null | Readonly<Record<string, unknown>>;

export interface IndexingExample {
  readonly label: string;
  /** Every argument of the function, the tensor first. */
  readonly args: readonly ExampleArg[];
  /** Why the second-order check is skipped for this example (the first gradient jumps there). */
  readonly noSecondOrder?: string;
}

/** A reference argument: a tensor spec becomes its values, anything else passes through. */
export type RefArg =
  | IndexingRef
  | readonly IndexingRef[]
  | number
  | string
  | boolean
  | null
  | Readonly<Record<string, unknown>>
  | undefined;

export interface IndexingDecl {
  /** The function; the Tensor method calls it with the tensor first. */
  readonly fn: (...args: never[]) => unknown;
  /** For ops whose output size depends on values: the form that awaits them (every backend). */
  readonly async?: (...args: never[]) => unknown;
  /** `input`: the result has x's dtype; `int32`: indices. */
  readonly dtype: 'input' | 'int32';
  /** The float64 reference over the example's arguments. */
  readonly ref: (...args: RefArg[]) => IndexingRef | IndexingRef[];
  /** Whether the gradient is itself differentiable (gradgradchecked). */
  readonly secondOrder: boolean;
  readonly examples: readonly IndexingExample[];
}

const float = (shape: readonly number[], values?: readonly number[]): TensorSpec => ({ tensor: shape, dtype: 'float', values, grad: true });
const int32 = (shape: readonly number[], values: readonly number[]): TensorSpec => ({ tensor: shape, dtype: 'int32', values });
const bool = (shape: readonly number[], values: readonly number[]): TensorSpec => ({ tensor: shape, dtype: 'bool', values });

const r = (v: RefArg) => v as IndexingRef;
const n = (v: RefArg) => v as number;
const scatterRefOf =
  (reduce: 'set' | 'sum') =>
  (x: RefArg, dim: RefArg, index: RefArg, src: RefArg): IndexingRef =>
    scatterRef(r(x), n(dim), r(index), typeof src === 'number' ? src : r(src), reduce);

// Shared example inputs: a 3x4 x, an index with a repeated position per row, and no repeats for the set ops.
const REPEATS = int32([3, 2], [0, 0, 3, 1, 2, 2]);
const ONE_EACH = int32([3, 2], [1, 3, 0, 2, 2, 0]);

// biome-ignore format: one op per block, examples side by side
export const INDEXING_OPS = {
  gather: {
    fn: gather, dtype: 'input', secondOrder: true,
    ref: (x, dim, index) => gatherRef(r(x), n(dim), r(index)),
    examples: [
      { label: 'dim 1, repeats', args: [float([3, 4]), 1, REPEATS] },
      { label: 'dim -2, index smaller than x', args: [float([3, 4]), -2, int32([2, 3], [2, 0, 1, 0, 0, 2])] },
      { label: 'int32', args: [int32([2, 3], [4, -5, 6, 7, 8, -9]), 1, int32([2, 2], [2, 0, 1, 1])] },
    ],
  },
  takeAlongDim: {
    fn: takeAlongDim, dtype: 'input', secondOrder: true,
    ref: (x, indices, dim) => takeAlongDimRef(r(x), r(indices), dim as number | null | undefined),
    examples: [
      { label: 'dim 1, broadcast', args: [float([3, 4]), int32([1, 2], [3, 0]), 1] },
      { label: 'flattened', args: [float([2, 3]), int32([4], [5, 0, 5, 2]), null] },
    ],
  },
  indexSelect: {
    fn: indexSelect, dtype: 'input', secondOrder: true,
    ref: (x, dim, indices) => indexSelectRef(r(x), n(dim), r(indices)),
    examples: [
      { label: 'dim 0, repeats', args: [float([3, 2]), 0, int32([3], [2, 0, 2])] },
      { label: 'bool', args: [bool([2, 3], [1, 0, 1, 0, 0, 1]), -1, int32([2], [2, 1])] },
    ],
  },
  scatter: {
    fn: scatter, dtype: 'input', secondOrder: true,
    ref: scatterRefOf('set'),
    examples: [
      { label: 'dim 1, src larger than index', args: [float([3, 4]), 1, ONE_EACH, float([3, 3])] },
      { label: 'dim 0, index smaller than x', args: [float([3, 4]), 0, int32([2, 2], [2, 0, 1, 2]), float([2, 2])] },
      { label: 'value', args: [float([3, 4]), 1, ONE_EACH, 0.5] },
      { label: 'repeats: the last write wins', args: [float([2, 3]), 1, int32([2, 3], [1, 1, 1, 0, 2, 0]), float([2, 3])] },
      { label: 'int32', args: [int32([2, 3], [1, 2, 3, 4, 5, 6]), 0, int32([1, 3], [1, 0, 1]), int32([1, 3], [-7, 8, 9])] },
      { label: 'bool value', args: [bool([2, 2], [0, 1, 1, 0]), 1, int32([2, 1], [0, 1]), 1] },
      { label: 'empty index', args: [float([2, 3]), 1, int32([2, 0], []), float([2, 0])] },
    ],
  },
  scatterAdd: {
    fn: scatterAdd, dtype: 'input', secondOrder: true,
    ref: scatterRefOf('sum'),
    examples: [
      { label: 'dim 1, repeats', args: [float([3, 4]), 1, REPEATS, float([3, 2])] },
      { label: 'dim -1 of 3-D', args: [float([2, 2, 3]), -1, int32([2, 2, 2], [0, 0, 2, 1, 1, 1, 0, 2]), float([2, 2, 2])] },
      { label: 'int32', args: [int32([4], [1, 2, 3, 4]), 0, int32([3], [3, 3, 0]), int32([3], [10, 20, 30])] },
      { label: 'bool (or)', args: [bool([3], [0, 0, 1]), 0, int32([2], [0, 0]), bool([2], [0, 1])] },
    ],
  },
  scatterReduce: {
    fn: scatterReduce, dtype: 'input', secondOrder: true,
    ref: (x, dim, index, src, reduce, options) =>
      scatterRef(r(x), n(dim), r(index), r(src), reduce as ScatterReduction, (options as { includeSelf?: boolean } | undefined)?.includeSelf ?? true, r(x).dtype === 'int32'),
    examples: [
      ...(['sum', 'prod', 'mean', 'amax', 'amin'] as const).flatMap((reduce) =>
        [true, false].map((includeSelf): IndexingExample => ({
          label: `${reduce}, includeSelf ${includeSelf}`,
          args: [float([3, 4]), 1, REPEATS, float([3, 2]), reduce, { includeSelf }],
        })),
      ),
      { label: 'prod through zeros', args: [float([2, 3], [0, 1.5, -2, 0.5, 0, 1]), 1, int32([2, 3], [0, 0, 2, 1, 1, 1]), float([2, 3], [0, 0.75, 0, -1.25, 0, 2]), 'prod', { includeSelf: true }], noSecondOrder: 'two zeros meet at one position, where the gradient of the gradient is not continuous' },
      { label: 'int32 mean rounds down', args: [int32([3], [1, 2, 3]), 0, int32([3], [0, 0, 1]), int32([3], [4, -5, 7]), 'mean', { includeSelf: true }] },
      { label: 'int32 amin without self', args: [int32([3], [1, 2, 3]), 0, int32([3], [0, 0, 1]), int32([3], [4, -5, 7]), 'amin', { includeSelf: false }] },
      { label: 'bool amax (or)', args: [bool([3], [0, 0, 1]), 0, int32([2], [1, 1]), bool([2], [0, 1]), 'amax', { includeSelf: true }] },
    ],
  },
  indexCopy: {
    fn: indexCopy, dtype: 'input', secondOrder: true,
    ref: (x, dim, index, source) => indexCopyRef(r(x), n(dim), r(index), r(source)),
    examples: [{ label: 'dim 1', args: [float([2, 4]), 1, int32([2], [3, 0]), float([2, 2])] }],
  },
  indexAdd: {
    fn: indexAdd, dtype: 'input', secondOrder: true,
    ref: (x, dim, index, source, options) => indexCopyRef(r(x), n(dim), r(index), r(source), true, (options as { alpha?: number } | undefined)?.alpha ?? 1),
    examples: [
      { label: 'dim 0, repeats, alpha', args: [float([3, 2]), 0, int32([3], [2, 0, 2]), float([3, 2]), { alpha: -0.5 }] },
      { label: 'int32', args: [int32([3], [1, 2, 3]), 0, int32([2], [1, 1]), int32([2], [5, 6])] },
    ],
  },
  indexFill: {
    fn: indexFill, dtype: 'input', secondOrder: true,
    ref: (x, dim, index, value) => indexFillRef(r(x), n(dim), r(index), typeof value === 'number' ? value : r(value)),
    examples: [
      { label: 'dim 1, repeats, number', args: [float([2, 4]), 1, int32([3], [3, 0, 3]), -0.5] },
      { label: 'dim 0, 0-d tensor value', args: [float([3, 2]), 0, int32([1], [1]), float([], [1.25])] },
      { label: 'bool', args: [bool([2, 2], [0, 1, 1, 0]), -1, int32([1], [0]), 1] },
    ],
  },
  indexPut: {
    fn: indexPut, dtype: 'input', secondOrder: true,
    ref: (x, indices, values, options) =>
      indexPutRef(r(x), indices as IndexingRef[], typeof values === 'number' ? values : r(values), (options as { accumulate?: boolean } | undefined)?.accumulate ?? false),
    examples: [
      { label: 'two axes, negative index', args: [float([3, 4]), [int32([3], [0, -1, 1]), int32([3], [3, 0, 0])], float([3])] },
      { label: 'rows, broadcast values', args: [float([3, 4]), [int32([2], [2, 0])], float([4])] },
      { label: 'accumulate repeats', args: [float([3, 2]), [int32([4], [1, 0, 1, 1])], float([4, 2]), { accumulate: true }] },
      { label: 'value', args: [float([2, 3]), [int32([2, 1], [1, 0]), int32([1, 2], [2, 0])], -3] },
      { label: 'int32', args: [int32([4], [1, 2, 3, 4]), [int32([2], [3, 3])], int32([2], [7, 8]), { accumulate: true }] },
    ],
  },
  maskedFill: {
    fn: maskedFill, dtype: 'input', secondOrder: true,
    ref: (x, mask, value) => maskedFillRef(r(x), r(mask), typeof value === 'number' ? value : r(value)),
    examples: [
      { label: 'broadcast mask, number', args: [float([2, 3]), bool([3], [1, 0, 1]), -1.5] },
      { label: '0-d tensor value', args: [float([2, 3]), bool([2, 1], [0, 1]), float([], [0.75])] },
      { label: 'mask broadcasts x', args: [float([3]), bool([2, 3], [1, 0, 0, 0, 1, 1]), 2] },
      { label: 'int32', args: [int32([4], [1, 2, 3, 4]), bool([4], [0, 1, 1, 0]), 9] },
    ],
  },
  maskedSelect: {
    fn: maskedSelect, async: maskedSelectAsync, dtype: 'input', secondOrder: true,
    ref: (x, mask) => maskedSelectRef(r(x), r(mask)),
    examples: [
      { label: 'broadcast mask', args: [float([2, 3]), bool([3], [1, 0, 1])] },
      { label: 'none selected', args: [float([2, 2]), bool([2, 2], [0, 0, 0, 0])] },
      { label: 'int32', args: [int32([3], [5, -6, 7]), bool([3], [0, 1, 1])] },
    ],
  },
  maskedScatter: {
    fn: maskedScatter, async: maskedScatterAsync, dtype: 'input', secondOrder: true,
    ref: (x, mask, source) => maskedScatterRef(r(x), r(mask), r(source)),
    examples: [
      { label: 'broadcast mask, longer source', args: [float([2, 3]), bool([3], [1, 0, 1]), float([5])] },
      { label: 'int32', args: [int32([4], [1, 2, 3, 4]), bool([4], [0, 1, 0, 1]), int32([2], [-5, 6])] },
    ],
  },
  nonzero: {
    fn: nonzero, async: nonzeroAsync, dtype: 'int32', secondOrder: false,
    ref: (x, options) => nonzeroRef(r(x), options as { asTuple?: boolean } | undefined),
    examples: [
      { label: '2-D', args: [float([3, 3], [0, 1, 0, -2, 0, 0, 0, 0, 3.5])] },
      { label: 'as tuple', args: [int32([2, 3], [0, 4, 4, 0, 0, 1]), { asTuple: true }] },
      { label: 'bool, none', args: [bool([2, 2], [0, 0, 0, 0])] },
      { label: '0-d', args: [float([], [2])] },
    ],
  },
  argwhere: {
    fn: argwhere, async: argwhereAsync, dtype: 'int32', secondOrder: false,
    ref: (x) => nonzeroRef(r(x)),
    examples: [{ label: 'bool', args: [bool([2, 2], [1, 0, 1, 1])] }],
  },
} as const satisfies Record<string, IndexingDecl>;

type Table = typeof INDEXING_OPS;
/** The indexing ops, by their Tensor method and function names. */
export type IndexingOp = keyof Table;
export const INDEXING_OP_NAMES = Object.keys(INDEXING_OPS) as IndexingOp[];

// biome-ignore lint/suspicious/noExplicitAny: the first parameter is dropped unread; naming Tensor here would make Tensor's type circular
type MethodOf<F> = F extends (x: any, ...rest: infer P) => infer R ? (...args: P) => R : never;
/** The Tensor methods of the indexing ops, typed from their functions (and `…Async` where declared). */
export type IndexingMethods = { [K in IndexingOp]: MethodOf<Table[K]['fn']> } & {
  [K in IndexingOp as Table[K] extends { async: unknown } ? `${K}Async` : never]: Table[K] extends { async: infer A } ? MethodOf<A> : never;
};
