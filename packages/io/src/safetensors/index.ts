export { SAFETENSORS_DTYPES, type SafetensorsDtype } from './dtypes.js';
export { SafetensorsError, StateDictError } from './errors.js';
export { encodeSafetensors, type EncodeOptions, type SafetensorsData, type SafetensorsEntry } from './encode.js';
export {
  decodeSafetensors,
  MAX_HEADER_BYTES,
  type DecodeOptions,
  type SafetensorsFile,
  type SafetensorsTensor,
} from './decode.js';
export { tensorValues, type ConvertedValues, type TensileDtype, type TensileValues } from './convert.js';
