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
 * Registers the backends the CLI ships (cpu, wasm, webgpu) under kind
 * 'backend', as factories; a plugin may register more. Idempotent.
 */
export function registerBackends(): void {
  const factories: Record<string, t.BackendFactory> = {
    cpu: () => cpu(),
    wasm: async () => (await import('@tensile/backend-wasm')).wasm(),
    webgpu: nodeWebgpu,
  };
  for (const [name, factory] of Object.entries(factories)) {
    if (!t.registry.has('backend', name)) t.registry.register('backend', name, factory);
  }
}

/** Creates and installs the named backend; an unknown name lists the ones available. */
export async function useBackend(name: string): Promise<void> {
  if (!t.registry.has('backend', name)) {
    throw new ConfigError(`unknown backend '${name}' (available: ${t.registry.list('backend').join(', ')})`);
  }
  let backend: t.Backend;
  try {
    backend = await t.registry.get('backend', name)();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`backend '${name}' could not start: ${message}`);
  }
  await t.setBackend(backend);
}
