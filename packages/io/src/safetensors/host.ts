import { SafetensorsError } from './errors.js';

/**
 * safetensors data is little-endian and we move it through typed arrays,
 * which use the host's byte order. Every JS engine Tensile targets is
 * little-endian; on a big-endian host we refuse rather than corrupt data.
 */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function assertLittleEndianHost(): void {
  if (!HOST_IS_LITTLE_ENDIAN) {
    throw new SafetensorsError('this host is big-endian; @tensile/io only supports little-endian hosts');
  }
}
