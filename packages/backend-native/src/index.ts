/**
 * @tensile/backend-native: Tensile's backend for Node, a Node-API addon with
 * OpenBLAS GEMM (matmul and convolution) and vectorised, OpenMP-threaded C
 * kernels over memory the addon owns.
 */
export { native } from './backend.js';
export type { NativeBackend, NativeOptions } from './backend.js';
export { registerNative } from './register.js';
