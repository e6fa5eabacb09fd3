import { readFile } from 'node:fs/promises';
import { saveModel } from '@tensile/io';
import { importOnnx } from '@tensile/onnx';
import { ConfigError } from '../config.js';
import { prepare } from '../setup.js';

export interface ImportFlags {
  out: string;
}

/**
 * `tensile import MODEL.onnx --out MODEL.tensile`: reads an ONNX file (as
 * torch.onnx.export writes it) into a trainable model and saves it as a
 * Tensile model file, its initializers as named tensors.
 */
export async function importCommand(path: string, flags: ImportFlags): Promise<number> {
  const bytes = new Uint8Array(
    await readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new ConfigError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    }),
  );
  await prepare({ plugins: [], backend: 'cpu' });
  const model = importOnnx(bytes);
  await saveModel(model, flags.out, { metadata: { source: `onnx:${path.split('/').at(-1)}` } });
  const g = model.graph;
  const params = model.numParameters();
  const ops = [...new Set(g.nodes.map((n) => n.op))].sort();
  process.stdout.write(
    `${flags.out}: ${g.nodes.length} nodes (${ops.join(', ')}), ${params} parameters; inputs ${g.inputs
      .map((i) => `${i.name} [${i.shape.join(', ')}]`)
      .join(', ')}\n`,
  );
  return 0;
}
