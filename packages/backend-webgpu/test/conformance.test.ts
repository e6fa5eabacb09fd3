import { describeBackend } from '@tensile/backend-conformance';
import { describe, it } from 'vitest';
import { createTestBackend } from './gpu.js';

// The shared suite every backend passes, run through core on the webgpu backend
// (SwiftShader on machines without a GPU).
const setup = await createTestBackend();
if (setup.backend) {
  const backend = setup.backend;
  describeBackend('webgpu', () => backend, {
    teardown: (b) => b.dispose?.(),
  });
} else {
  describe('backend conformance: webgpu', () => {
    it.skip(`skipped: ${setup.skip.kind}: ${setup.skip.reason}`, () => {});
  });
}
