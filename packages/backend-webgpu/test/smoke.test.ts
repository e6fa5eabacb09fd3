import { describe, expect, it } from 'vitest';
import { createTestBackend, down, up } from './gpu.js';

const setup = await createTestBackend();
const b = setup.backend!;

describe.skipIf(!setup.backend)('smoke', () => {
  it('adds', async () => {
    const x = up(b, [1, 2, 3]);
    const y = up(b, [10, 20, 30]);
    const z = b.binary('add', x, [3], y, [3], [3], 'float32');
    expect(await down(b, z, 'float32', 3)).toEqual([11, 22, 33]);
  });
});
