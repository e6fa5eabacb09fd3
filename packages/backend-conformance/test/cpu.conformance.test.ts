import { cpu } from '@tensile/backend-cpu';
import { describeBackend } from '../src/index.js';

describeBackend('cpu', () => cpu());
