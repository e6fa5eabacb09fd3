/**
 * The model architectures the CLI's configs name (`model: { type: GPT, config: {…} }`),
 * each a ConfigModule built only from @tensile/layers' public layers, and
 * registered like a plugin's layer, so a saved model file rebuilds them.
 */
import { registerModule } from '@tensile/layers';
import { GPT } from './gpt.js';
import { ResNet } from './resnet.js';
import { UNet } from './unet.js';

export { GPT, type GPTConfig } from './gpt.js';
export { ResNet, type ResNetConfig } from './resnet.js';
export { UNet, type UNetConfig, type UpMode } from './unet.js';

/** Registers GPT, ResNet and UNet under those names (idempotent; explicit names survive minification). */
export function registerModels(): void {
  registerModule(GPT, { name: 'GPT' });
  registerModule(ResNet, { name: 'ResNet' });
  registerModule(UNet, { name: 'UNet' });
}
