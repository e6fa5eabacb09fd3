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
    skips: [
      {
        group: 'gradcheck',
        name: 'clamp',
        // Not a kernel fault: in float32 gradcheck uses eps = 1e-2, and input 0 of this case
        // (-0.4963) lies within eps of the bound -0.5, so the central difference straddles
        // the kink. Remove once the case's inputs keep more than eps from the bounds.
        reason: 'case input -0.4963 is within the float32 gradcheck eps (1e-2) of the clamp bound -0.5',
      },
    ],
  });
} else {
  describe('backend conformance: webgpu', () => {
    it.skip(`skipped: ${setup.skip.kind}: ${setup.skip.reason}`, () => {});
  });
}
