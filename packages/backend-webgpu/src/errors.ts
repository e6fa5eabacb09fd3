import { BackendError } from '@tensile/core';

/**
 * Errors raised by the webgpu backend. Each message names the backend, the
 * operation and the value at fault, so a failure in the middle of training
 * says what went wrong without a debugger. A BackendError (and so a
 * TensileError) like every other backend's faults.
 */
export class WebGPUBackendError extends BackendError {}

/** No adapter, no device, or the device was lost: the GPU cannot be used. */
export class WebGPUUnavailableError extends WebGPUBackendError {}
