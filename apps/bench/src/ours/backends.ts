/**
 * Our backends, created the way a user creates them. Each package is loaded
 * only when asked for, so a backend that fails to load (or finds no GPU
 * adapter) becomes a row that says why instead of a failed bench.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Backend } from '@tensile/core';
import type { OurBackend } from '../args.js';

export interface OurVariant {
  backend: OurBackend;
  /** Threads for wasm (1 and 2 are measured) and native (1 and all cores); 1 elsewhere. */
  threads: number;
  label: string;
}

/** Every core: the thread count of the "all cores" rows (ours and the peers'). */
export const ALL_CORES = availableParallelism();

/** The variants measured for the requested backends: wasm on 1 and 2 threads, native on 1 and all cores. */
export function variants(backends: OurBackend[]): OurVariant[] {
  const out: OurVariant[] = [];
  for (const b of backends) {
    if (b === 'wasm') {
      out.push({ backend: b, threads: 1, label: 'tensile wasm 1 thread' });
      out.push({ backend: b, threads: 2, label: 'tensile wasm 2 threads' });
    } else if (b === 'native') {
      out.push({ backend: b, threads: 1, label: 'tensile native 1 thread' });
      if (ALL_CORES > 1) out.push({ backend: b, threads: ALL_CORES, label: `tensile native ${ALL_CORES} threads` });
    } else {
      out.push({ backend: b, threads: 1, label: `tensile ${b}` });
    }
  }
  return out;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** Dawn's GPU object must outlive every device made from it (dropping it crashed Dawn). */
let nodeGpu: unknown = null;

/** Creates one of our backends; also says which adapter webgpu got. */
export async function createBackend(v: OurVariant): Promise<{ backend: Backend; note: string }> {
  if (v.backend === 'cpu') {
    const { cpu } = await import('@tensile/backend-cpu');
    return { backend: await cpu(), note: '' };
  }
  if (v.backend === 'wasm') {
    const { wasm } = await import('@tensile/backend-wasm');
    const backend = await wasm({ threads: v.threads });
    // Threads fall back to one where the runtime cannot block or share memory: say so rather than mislabel.
    const note = backend.threads === v.threads ? '' : `asked for ${v.threads} threads, got ${backend.threads}`;
    return { backend, note };
  }
  if (v.backend === 'native') {
    // Throws, naming what to install, where the addon was not built at install: the rows then say so.
    const { native } = await import('@tensile/backend-native');
    return { backend: native({ threads: v.threads }), note: '' };
  }
  // Without a GPU, Dawn runs WGSL on a software Vulkan driver (SwiftShader from Debian's chromium).
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  nodeGpu ??= create([]);
  const gpu = nodeGpu as GPU;
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('webgpu: no GPU adapter (VK_ICD_FILENAMES may point at a driver Dawn rejects)');
  const info = adapter.info;
  const note = `adapter: ${info?.vendor ?? '?'} ${info?.architecture ?? ''} ${info?.description ?? ''}`.replace(/\s+/g, ' ').trim();
  const { webgpu } = await import('@tensile/backend-webgpu');
  return { backend: await webgpu({ adapter }), note };
}
