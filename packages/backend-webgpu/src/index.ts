export {
  webgpu,
  type WebGPUOptions,
  type WebGPUEntryPoint,
  type WebGPUAdapterLike,
  type WebGPUDeviceLike,
  type WebGPUPowerPreference,
} from './webgpu.js';
export { WebGPUBackendError, WebGPUUnavailableError } from './errors.js';
export { registerWebGPU } from './register.js';
