import { describeBackend } from '@tensile/backend-conformance';
import { native } from '@tensile/backend-native';

// The shared suite every backend passes, through core, on one thread and on every core.
describeBackend('native (1 thread)', () => native({ threads: 1 }));
describeBackend('native (all cores)', () => native());
