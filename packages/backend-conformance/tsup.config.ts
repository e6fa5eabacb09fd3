import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  // No source map: it would carry the PyTorch fixtures (inlined into index.js
  // from fixtures/*.json) a second time; the unminified index.js reads as is.
  sourcemap: false,
  clean: true,
  target: 'es2022',
});
