import { cpu } from '@tensile/backend-cpu';
import { describeBackend } from '@tensile/backend-conformance';

describeBackend('cpu', () => cpu());
