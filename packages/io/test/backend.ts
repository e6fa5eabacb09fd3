import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';

/** Tests run on the cpu backend, the reference. */
export async function useCpu(): Promise<void> {
  await t.setBackend(cpu());
}
