import { readFile } from 'node:fs/promises';
import { decodeSafetensors, loadModel } from '@tensile/io';
import { type Module, moduleFromSpec, type ModuleSpec } from '@tensile/layers';
import { ConfigError, parseConfig, type TrainConfig } from './config.js';
import { prepare } from './setup.js';

export interface LoadedRun {
  model: Module;
  /** The training config stored in the file by `tensile train` (dataset, loss, plugins…). */
  config: TrainConfig;
  spec: ModuleSpec;
}

/**
 * Loads a model (or checkpoint) file written by `tensile train`: reads its
 * stored config first, so the plugins it names are registered before the
 * model is rebuilt through the registry, then starts the backend and loads.
 */
export async function loadRun(path: string, options: { backend?: string; detectAnomaly?: boolean }): Promise<LoadedRun> {
  const bytes = new Uint8Array(
    await readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new ConfigError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    }),
  );
  const { metadata } = decodeSafetensors(bytes, { fileName: path });
  const config = storedConfig(metadata, path);
  await prepare({ plugins: config.plugins, backend: options.backend ?? config.backend, detectAnomaly: options.detectAnomaly });
  const spec = JSON.parse(metadata.architecture ?? 'null') as ModuleSpec;
  const model = await loadModel<Module>(bytes, { fileName: path, build: (architecture) => moduleFromSpec(architecture as ModuleSpec) });
  return { model, config, spec };
}

/** The config saved in a model file's metadata, or in a checkpoint's state. */
function storedConfig(metadata: Record<string, string>, path: string): TrainConfig {
  let raw: unknown;
  if (metadata.config) raw = JSON.parse(metadata.config);
  else if (metadata.state) raw = (JSON.parse(metadata.state) as { extra?: { extra?: { config?: unknown } } }).extra?.extra?.config;
  if (!raw) {
    throw new ConfigError(
      `${path}: holds no training config (not written by tensile train); use @tensile/io's loadModel from code instead`,
    );
  }
  return parseConfig(raw, `${path} (stored config)`);
}
