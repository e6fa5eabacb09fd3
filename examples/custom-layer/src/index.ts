/**
 * A layer Tensile does not have, written as any user outside the repository
 * would: only the public exports of @tensile/core and @tensile/layers.
 *
 * `register()` puts it into core's registry, which is all it takes for
 * `tensile train` configs (`plugins: [tensile-example-custom-layer]`) to use
 * it and for saved models that contain it to load.
 */
import { type LayerEntry, registerLayer } from '@tensile/layers';
import { GatedLinear } from './gated-linear.js';

export { GatedLinear, type GatedLinearOptions } from './gated-linear.js';

/** The registry entry: builds the layer from the JSON config it saves (one object, so registering twice is a no-op). */
const entry: LayerEntry = {
  create: (c) => new GatedLinear(c.inFeatures as number, c.outFeatures as number, { bias: c.bias as boolean | undefined }),
};

/** Registers GatedLinear under its name (idempotent). The `tensile` command calls this for plugins. */
export function register(): void {
  registerLayer('GatedLinear', entry);
}
