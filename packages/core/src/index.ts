/**
 * @tensile/core: tensors, autograd, the backend contract, memory scopes, the
 * seeded RNG, the registry and gradcheck. Imports no backend: one is injected
 * with setBackend().
 */
import { installTensorMethods } from './tensor-methods.js';

installTensorMethods();

export type * from './backend/backend.js';
export { Tensor, isTensor } from './tensor.js';
export { TensileError, ShapeError, DTypeError, ArgumentError, OutOfMemoryError, BackendError } from './errors.js';
export { setBackend, getBackend, withBackend, resolveBackend, memory, onOp, withModuleName, currentModulePath } from './engine.js';
export type { MemoryInfo, OpEvent, OpObserver } from './engine.js';
export { REQUIRED_KERNEL_NAMES } from './backend/check.js';
export { tidy, keep, dispose } from './scope.js';
export { assign } from './assign.js';
export { backward, noGrad, enableGrad, isGradEnabled, grad, valueAndGrad, gradients, record } from './autograd.js';
export type { BackwardOptions, BackwardStepEvent, ValueAndGrad, GradOptions, GradientsOptions } from './autograd.js';
export { vjp, jvp, hvp } from './functional.js';
export type { FunctionalOptions, ProductResult } from './functional.js';
export { customOp, FunctionContext } from './custom.js';
export type { CustomOpDefinition } from './custom.js';
export { recordedGraph, traceBackward } from './graph-view.js';
export type { RecordedGraph, GraphViewNode, BackwardTrace, BackwardTraceStep } from './graph-view.js';
export type { BackwardFn, GraphNode } from './node.js';
export { Rng, defaultRng, manualSeed } from './rng.js';
export { Registry, registry } from './registry.js';
export type { RegistryKinds, RegistryKind, RegistryEntry, EntryKind, EntryArgs, EntryResult } from './registry.js';
export { gradcheck, gradgradcheck } from './gradcheck.js';
export { detectAnomaly, setAnomalyDetection, isAnomalyDetectionEnabled, checkAnomalies, AnomalyError } from './anomaly.js';
export type { AnomalyInput } from './anomaly.js';
export { trackGradientFlow, gradientFlow } from './flow.js';
export type { ParameterFlow, CutReason } from './flow.js';
export type { GradcheckOptions, GradcheckResult } from './gradcheck.js';
export { isFloat, promoteTypes, bytesPerElement, allocArray } from './dtype.js';
export { broadcastShapes, sizeOf } from './shape.js';
// Layouts, computed once in core; backend authors may use them in their tests (see StridedInput).
export { broadcastStrides, collapseLayout, isRowMajor, reshapeStrides } from './layout.js';
export type { CollapsedLayout } from './layout.js';

export { tensor, fromData, full, zeros, ones, arange, linspace, eye, rand, randn, randint } from './ops/creation.js';
export { zerosLike, onesLike } from './tensor-methods.js';
export type { TensorOptions, CreationOptions, RandomOptions } from './ops/creation.js';
// Every table op under its function name, clamp, floorDivide, logicalXor, where, unaryFunctions and binaryFunctions.
export * from './ops/elementwise.js';
export { BINARY_OPS, BINARY_OP_NAMES, binaryMethodName } from './ops/binary-table.js';
export type {
  AlphaOptions,
  BinaryDecl,
  BinaryGrad,
  BinaryKind,
  BinaryMethodName,
  BinaryMethods,
  BinaryOpOf,
  BinaryOptionArgs,
  BinaryResult,
} from './ops/binary-table.js';
export { UNARY_OPS, UNARY_OP_NAMES, UNARY_KERNEL_OP_NAMES, unaryMethodName } from './ops/unary-table.js';
export type {
  UnaryDecl,
  UnaryDTypeRule,
  UnaryGrad,
  UnaryMethodName,
  UnaryMethods,
  UnaryOpOf,
  UnaryOptions,
  UnaryParams,
  UnaryResult,
  KernelUnaryOp,
} from './ops/unary-table.js';
export type { TensorLike } from './ops/util.js';
export { cast } from './ops/cast.js';
export {
  sum,
  mean,
  max,
  min,
  prod,
  amax,
  amin,
  any,
  all,
  countNonzero,
  argmax,
  argmin,
  variance as var,
  variance,
  std,
  logsumexp,
  reduceFunctions,
} from './ops/reduce.js';
export type { Axes, ValuesIndices, VarOptions } from './ops/reduce.js';
export { REDUCE_OPS, REDUCE_OP_NAMES } from './ops/reduce-table.js';
export type {
  AxesReduceName,
  OneAxisReduceName,
  ReduceDecl,
  ReduceDTypeRule,
  ReduceGrad,
  ReduceMethods,
  ReduceName,
  ReduceResult,
} from './ops/reduce-table.js';
export { cumsum, cumprod, logcumsumexp, scanFunctions } from './ops/scan.js';
export { SCAN_OPS, SCAN_OP_NAMES } from './ops/scan-table.js';
export type { ScanDecl, ScanDTypeRule, ScanMethods, ScanName } from './ops/scan-table.js';
export { sort, argsort, topk, kthvalue, median, nanmedian } from './ops/sort.js';
export { norm } from './ops/norm.js';
export type { NormOrder } from './ops/norm.js';
export { batchNorm } from './ops/batch-norm.js';
export type { BatchNormOptions } from './ops/batch-norm.js';
export { matmul } from './ops/matmul.js';
export type { MatmulOptions } from './ops/matmul.js';
export {
  reshape,
  flatten,
  squeeze,
  unsqueeze,
  permute,
  transpose,
  expand,
  clone,
  contiguous,
  slice,
  narrow,
  flip,
  concat,
  stack,
  split,
} from './ops/shape.js';
export type { SliceRange } from './ops/shape.js';
export { MOVEMENT_OPS, MOVEMENT_OP_NAMES } from './ops/movement-table.js';
export type { MovementArgs, MovementDecl, MovementMethods, MovementOp, MovementRef } from './ops/movement-table.js';
export { indexSelect, gather, takeAlongDim, oneHot, allClose } from './ops/indexing.js';
export { scatter, scatterAdd, scatterReduce } from './ops/scatter.js';
export type { ScatterReduction, ScatterReduceOptions } from './ops/scatter.js';
export { indexPut, indexCopy, indexAdd, indexFill } from './ops/index-put.js';
export type { IndexPutOptions } from './ops/index-put.js';
export {
  maskedFill,
  maskedSelect,
  maskedSelectAsync,
  maskedScatter,
  maskedScatterAsync,
  nonzero,
  nonzeroAsync,
  argwhere,
  argwhereAsync,
} from './ops/masked.js';
export { INDEXING_OPS, INDEXING_OP_NAMES } from './ops/indexing-table.js';
export type { IndexingDecl, IndexingExample, IndexingMethods, IndexingOp, TensorSpec, ExampleArg, RefArg } from './ops/indexing-table.js';
export type { IndexingRef } from './ops/indexing-refs.js';
export { softmax, logSoftmax, linear } from './ops/composite.js';
export { fmod, hypot, lerp, addcmul, addcdiv, nanToNum, gelu } from './ops/math.js';
export type { AddcOptions, NanToNumOptions, GeluOptions } from './ops/math.js';
export { diagonal, diag, tril, triu } from './ops/diagonals.js';
export { repeat, tile, roll, unflatten, movedim, moveaxis, meshgrid } from './ops/rearrange.js';
export type { MeshgridOptions } from './ops/rearrange.js';
export { einsum } from './ops/einsum.js';
export type { ComposedMethods } from './ops/composed-methods.js';
export { conv2d, unfold, fold, windowGeometry } from './ops/conv.js';
export type { Conv2dOptions, Pair, Padding, UnfoldOptions, FoldOptions } from './ops/conv.js';
export { conv1d, conv3d, convTranspose1d, convTranspose2d } from './ops/conv-nd.js';
export type {
  Conv1dOptions,
  Conv3dOptions,
  ConvTransposeOptions,
  ConvTranspose1dOptions,
  ConvTranspose2dOptions,
  Single,
  Triple,
} from './ops/conv-nd.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, lpPool1d, lpPool2d } from './ops/pool.js';
export type { Pool2dOptions, MaxPool2dOptions, AvgPool2dOptions, MaxPool1dOptions, AvgPool1dOptions, LpPoolOptions } from './ops/pool.js';
export { maxPool3d, avgPool3d } from './ops/pool3d.js';
export type { MaxPool3dOptions, AvgPool3dOptions } from './ops/pool3d.js';
export { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d } from './ops/adaptive-pool.js';
export type { AdaptiveSize1d, AdaptiveSize2d } from './ops/adaptive-pool.js';
export { maxUnpool1d, maxUnpool2d } from './ops/unpool.js';
export type { MaxUnpool1dOptions, MaxUnpool2dOptions } from './ops/unpool.js';
export { interpolate } from './ops/interpolate.js';
export type { InterpolateMode, InterpolateOptions } from './ops/interpolate.js';
export { pixelShuffle, pixelUnshuffle } from './ops/pixel-shuffle.js';
export { pad } from './ops/pad.js';
export type { PadMode, PadOptions } from './ops/pad.js';
