import { TensileError } from '@tensile/core';

/**
 * Thrown for every malformed, truncated or mismatched safetensors file and for
 * bad input to the writer. The message names the file (when known), the
 * tensor (when one is at fault) and what is wrong.
 */
export class SafetensorsError extends TensileError {
  readonly fileName: string | undefined;
  readonly tensor: string | undefined;

  constructor(problem: string, where: { fileName?: string; tensor?: string } = {}) {
    const parts = ['safetensors'];
    if (where.fileName !== undefined) parts.push(where.fileName);
    if (where.tensor !== undefined) parts.push(`tensor ${JSON.stringify(where.tensor)}`);
    super(`${parts.join(': ')}: ${problem}`);
    this.fileName = where.fileName;
    this.tensor = where.tensor;
  }
}

/** Weights that do not fit the model they are loaded into: missing, unexpected or differently shaped tensors. */
export class StateDictError extends TensileError {}
