// Child process for crash-safety.test.ts: saves state 1, 2, 3, ... to one
// file through nodeStorage until it is killed, printing each step once its
// write has returned. State n is a safetensors file whose tensors all hold n.
// Deep imports keep the child free of @tensile/core, which the codec and storage do not need.
import { encodeSafetensors } from '../../src/safetensors/index.js';
import { nodeStorage } from '../../src/storage/index.js';

const [dir, file, payloadLength] = process.argv.slice(2);
const storage = nodeStorage({ root: dir });

for (let step = 1; ; step++) {
  const payload = new Float32Array(Number(payloadLength)).fill(step);
  const bytes = encodeSafetensors(
    {
      step: { dtype: 'I32', shape: [1], data: new Int32Array([step]) },
      payload: { dtype: 'F32', shape: [payload.length], data: payload },
    },
    { step: String(step) },
  );
  await storage.write(file, bytes);
  process.stdout.write(`${step}\n`);
}
