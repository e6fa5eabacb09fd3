import { ArgumentError, type Tensor } from '@tensile/core';
import { decodeSafetensors, type SafetensorsFile } from './safetensors/decode.js';
import { SafetensorsError } from './safetensors/errors.js';
import { parseJsonStrict } from './safetensors/json.js';
import { CHECKSUM_KEY, CHECKSUM_PLACEHOLDER, sealChecksum, verifyChecksum } from './checksum.js';
import { saveSafetensors } from './tensors.js';
import type { ModuleSpec } from '@tensile/layers';

/**
 * How a model is rebuilt: @tensile/layers' `ModuleSpec`, the registry name of
 * its module, the JSON config it was constructed with, and a container's
 * children by name, each described the same way.
 *
 * @example
 * { type: 'Sequential', config: {}, children: {
 *   '0': { type: 'Linear', config: { inFeatures: 784, outFeatures: 128, bias: true } },
 *   '1': { type: 'ReLU', config: {} } } }
 */
export type ModelArchitecture = ModuleSpec;

/** `__metadata__.format` of the files Tensile writes. */
export const MODEL_FORMAT = 'tensile-model';
export const CHECKPOINT_FORMAT = 'tensile-checkpoint';
/** Version 2 adds `__metadata__.checksum`; version 1 files (without one) still load. */
export const FORMAT_VERSION = '2';
const READABLE_VERSIONS = ['1', '2'];

/** Metadata keys Tensile owns in its files; user metadata may not use them. */
export const RESERVED_METADATA = ['format', 'version', 'architecture', 'state', CHECKSUM_KEY];

export function checkUserMetadata(metadata: Record<string, string> | undefined, op: string): Record<string, string> {
  for (const key of Object.keys(metadata ?? {})) {
    if (RESERVED_METADATA.includes(key)) throw new ArgumentError(`${op}: metadata key ${JSON.stringify(key)} is reserved by Tensile`);
  }
  return metadata ?? {};
}

/**
 * Decodes a Tensile model or checkpoint file and checks its format and
 * version; `accept` lists the formats the caller can read.
 */
export function decodeTensileFile(bytes: Uint8Array, fileName: string | undefined, accept: readonly string[]): SafetensorsFile {
  const file = decodeSafetensors(bytes, { fileName });
  const { format, version } = file.metadata;
  const fail = (problem: string): never => {
    throw new SafetensorsError(problem, { fileName });
  };
  if (format === undefined || !accept.includes(format)) {
    const tensile = [MODEL_FORMAT, CHECKPOINT_FORMAT].includes(format ?? '');
    fail(
      tensile
        ? `is a ${format} file, expected ${accept.join(' or ')}`
        : `not a Tensile ${accept.join(' or ')} file (__metadata__.format is ${JSON.stringify(format ?? null)}); ` +
            'plain weights, e.g. from PyTorch, load with loadSafetensors() and model.loadStateDict()',
    );
  }
  if (version === undefined || !READABLE_VERSIONS.includes(version)) {
    fail(
      `${format} version ${JSON.stringify(version)} is not supported (this @tensile/io reads versions ${READABLE_VERSIONS.join(' and ')})`,
    );
  }
  verifyChecksum(file, version !== '1', fileName);
  return file;
}

/**
 * Writes a Tensile file: the tensors as safetensors with `metadata`, plus
 * `__metadata__.checksum` over the whole content (see checksum.ts).
 */
export async function encodeTensileFile(
  tensors: Record<string, Tensor>,
  metadata: Record<string, string>,
  int64?: boolean | readonly string[],
): Promise<Uint8Array> {
  const bytes = await saveSafetensors(tensors, { metadata: { ...metadata, [CHECKSUM_KEY]: CHECKSUM_PLACEHOLDER }, int64 });
  sealChecksum(bytes, decodeSafetensors(bytes));
  return bytes;
}

/** Parses a JSON metadata entry, naming the file and key when it is missing or malformed. */
export function parseMetadataJson(file: SafetensorsFile, key: string, fileName: string | undefined): unknown {
  const text = file.metadata[key];
  if (text === undefined) throw new SafetensorsError(`__metadata__ has no ${JSON.stringify(key)}`, { fileName });
  return parseJsonStrict(text, (problem) => {
    throw new SafetensorsError(`__metadata__.${key} ${problem}`, { fileName });
  });
}

/** Checks the shape of a parsed architecture, so a corrupted one fails here and not deep in a constructor. */
export function checkArchitecture(value: unknown, fileName: string | undefined, path = 'architecture'): ModelArchitecture {
  const fail = (problem: string): never => {
    throw new SafetensorsError(`__metadata__.${path}: ${problem}`, { fileName });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('must be an object { type, config, children? }');
  const arch = value as Record<string, unknown>;
  for (const key of Object.keys(arch)) if (!['type', 'config', 'children'].includes(key)) fail(`unknown field ${JSON.stringify(key)}`);
  if (typeof arch.type !== 'string' || arch.type === '') fail('"type" must be a registry name');
  if (arch.config === null || typeof arch.config !== 'object' || Array.isArray(arch.config)) fail('"config" must be an object');
  if (arch.children !== undefined) {
    if (arch.children === null || typeof arch.children !== 'object' || Array.isArray(arch.children)) {
      fail('"children" must be an object of child architectures by name');
    }
    for (const [name, child] of Object.entries(arch.children as object)) {
      checkArchitecture(child, fileName, `${path}.children.${name}`);
    }
  }
  return value as ModelArchitecture;
}

/** The tensors of `record` whose names start with `prefix`, with the prefix removed. */
export function withoutPrefix(record: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(record)
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, x]) => [name.slice(prefix.length), x]),
  );
}
