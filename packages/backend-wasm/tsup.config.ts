import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // The kernels ship as separate .wasm files beside the bundle, where
  // src/module.ts's `new URL('./generated/…', import.meta.url)` finds them.
  async onSuccess() {
    mkdirSync('dist/generated', { recursive: true });
    for (const f of readdirSync('src/generated')) {
      if (f.endsWith('.wasm')) copyFileSync(`src/generated/${f}`, `dist/generated/${f}`);
    }
  },
});
