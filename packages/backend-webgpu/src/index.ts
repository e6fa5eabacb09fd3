export { webgpu, type WebGPUOptions } from './webgpu.js';
export { WebGPUBackendError, WebGPUUnavailableError } from './errors.js';
export { registerWebGPU } from './register.js';
