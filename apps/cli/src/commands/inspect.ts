import { readFile } from 'node:fs/promises';
import { decodeSafetensors } from '@tensile/io';
import { ConfigError } from '../config.js';

export interface InspectFlags {
  json?: boolean;
}

/**
 * `tensile inspect FILE`: the tensors of a safetensors, model or checkpoint
 * file (name, dtype, shape, bytes) and its metadata. Reads only the header
 * and checks offsets; needs no backend and no registered layers.
 */
export async function inspect(path: string, flags: InspectFlags): Promise<number> {
  const bytes = new Uint8Array(
    await readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new ConfigError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    }),
  );
  const file = decodeSafetensors(bytes, { fileName: path });
  const tensors = file.names.map((name) => {
    const { dtype, shape, data } = file.tensors[name];
    return { name, dtype, shape, bytes: data.byteLength };
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ file: path, bytes: bytes.byteLength, metadata: file.metadata, tensors })}\n`);
    return 0;
  }
  const out: string[] = [];
  const format = file.metadata.format ?? 'safetensors';
  out.push(
    `${path}: ${format}${file.metadata.version ? ` v${file.metadata.version}` : ''}, ${tensors.length} tensors, ${bytes.byteLength} bytes`,
  );
  for (const [key, value] of Object.entries(file.metadata)) {
    if (key === 'format' || key === 'version') continue;
    out.push(`  ${key}: ${describeMetadata(key, value)}`);
  }
  const rows = tensors.map((x) => [x.name, x.dtype, `[${x.shape.join(', ')}]`, String(x.bytes)]);
  const header = ['name', 'dtype', 'shape', 'bytes'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => (c === 3 ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ');
  out.push('', line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line));
  const elements = tensors.reduce((s, x) => s + x.shape.reduce((a, b) => a * b, 1), 0);
  const total = tensors.reduce((s, x) => s + x.bytes, 0);
  out.push('', `${elements} elements, ${total} bytes of tensor data`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

/** Architecture as a one-line layer list, checkpoint state as epoch/step; other values as they are (shortened). */
function describeMetadata(key: string, value: string): string {
  try {
    if (key === 'architecture') return layerList(JSON.parse(value) as Spec);
    if (key === 'state') {
      const state = JSON.parse(value) as { epoch: number | null; step: number | null; optimizer: unknown; scheduler: unknown };
      return `epoch ${state.epoch}, step ${state.step}, optimizer state ${state.optimizer ? 'yes' : 'no'}, scheduler state ${state.scheduler ? 'yes' : 'no'}`;
    }
  } catch {
    // Not ours after all: show it raw.
  }
  return value.length > 200 ? `${value.slice(0, 200)}… (${value.length} chars)` : value;
}

interface Spec {
  type: string;
  config?: Record<string, unknown>;
  children?: Record<string, Spec>;
}

function layerList(spec: Spec): string {
  const config = Object.entries(spec.config ?? {}).filter(([, v]) => v !== undefined && v !== null);
  const own = config.length > 0 ? `${spec.type}(${config.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})` : spec.type;
  if (!spec.children) return own;
  return `${own}[${Object.values(spec.children).map(layerList).join(' → ')}]`;
}
