import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { ConfigError } from './config.js';

/** Kept for the whole process: Dawn crashes when its GPU object is collected. */
let nodeGpu: unknown;

/** In Node, WebGPU comes from the `webgpu` package (Dawn); a browser-less machine needs a software Vulkan driver. */
async function nodeWebgpu(): Promise<t.Backend> {
  const { webgpu } = await import('@tensile/backend-webgpu');
  let mod: { create(flags: string[]): unknown; globals: object };
  try {
    mod = (await import('webgpu')) as unknown as typeof mod;
  } catch (err) {
    throw new ConfigError(`--backend webgpu: the 'webgpu' package (Dawn for Node) failed to load: ${(err as Error).message}`);
  }
  Object.assign(globalThis, mod.globals);
  nodeGpu ??= mod.create([]);
  return webgpu({ gpu: nodeGpu as NonNullable<Parameters<typeof webgpu>[0]>['gpu'] });
}

/**
 * Registers the backends the CLI ships (cpu, wasm, native, webgpu) under kind
 * 'backend', as factories; a plugin may register more. Idempotent.
 */
export function registerBackends(): void {
  const factories: Record<string, t.BackendFactory> = {
    cpu: () => cpu(),
    wasm: async () => (await import('@tensile/backend-wasm')).wasm(),
    webgpu: nodeWebgpu,
    // The Node-API addon: throws, naming what to install, where it could not be built at install.
    native: async () => (await import('@tensile/backend-native')).native(),
  };
  for (const [name, factory] of Object.entries(factories)) {
    if (!t.registry.has('backend', name)) t.registry.register('backend', name, factory);
  }
}

/**
 * What `backend: auto` (the default) tries, fastest first: native (OpenBLAS
 * and vectorised C, where its addon was built at install) trains faster than
 * wasm, whose SIMD kernels train the MLP about 9× faster than cpu's. webgpu is never picked
 * by itself: in Node it needs a GPU that Dawn can drive, and on a software
 * adapter (SwiftShader, lavapipe) it is far slower than wasm.
 */
export const AUTO_BACKENDS = ['native', 'wasm', 'cpu'] as const;

/**
 * Creates and installs the named backend (or, for 'auto', the first of
 * AUTO_BACKENDS that starts) and returns the name of the one installed; an
 * unknown name lists the ones available.
 */
export async function useBackend(name: string): Promise<string> {
  if (name === 'auto') {
    let failure: unknown;
    for (const candidate of AUTO_BACKENDS) {
      try {
        await useBackend(candidate);
        return candidate;
      } catch (err) {
        failure = err;
      }
    }
    throw failure;
  }
  if (!t.registry.has('backend', name)) {
    throw new ConfigError(`unknown backend '${name}' (available: auto, ${t.registry.list('backend').join(', ')})`);
  }
  let backend: t.Backend;
  try {
    backend = await t.registry.get('backend', name)();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`backend '${name}' could not start: ${message}`);
  }
  await t.setBackend(backend);
  return name;
}
