/**
 * A layer Tensile does not have, written as any user outside the repository
 * would: only the public exports of @tensile/core and @tensile/layers.
 *
 * `register()` puts it into core's registry, which is all it takes for
 * `tensile train` configs (`plugins: [tensile-example-custom-layer]`) to use
 * it and for saved models that contain it to load.
 */
import { registerModule } from '@tensile/layers';
import { GatedLinear } from './gated-linear.js';

export { GatedLinear, type GatedLinearConfig } from './gated-linear.js';

/**
 * Registers GatedLinear (idempotent). The registry entry — build from the
 * saved config — is derived from the class; the explicit name survives a
 * bundler that renames classes. The `tensile` command calls this for plugins.
 */
export function register(): void {
  registerModule(GatedLinear, { name: 'GatedLinear' });
}
