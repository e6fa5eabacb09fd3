import { cpu } from '@tensile/backend-cpu';
import { describeBackend } from '../src/index.js';
import { requiredOnly } from '../src/required-only.js';

// The whole suite on the cpu backend stripped to its required kernels: composable ops, clamp,
// softmax, conv2d and matmulBias all go through core's compositions.
describeBackend('cpu, required kernels only', () => requiredOnly(cpu()));
