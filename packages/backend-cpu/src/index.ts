/**
 * @tensile/backend-cpu: Tensile's reference backend, every kernel in
 * TypeScript on typed arrays, with a packed, register-tiled float GEMM.
 */
export { cpu } from './backend.js';
export { registerCpu } from './register.js';
