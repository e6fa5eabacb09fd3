import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// The demo imports every @tensile/* package by its public name; in this
// repository the names point at the packages' sources, so the site needs no
// prior build of the libraries and always runs the code in the tree.
const packages = fileURLToPath(new URL('../../packages/', import.meta.url));
const alias: Record<string, string> = {};
for (const dir of readdirSync(packages)) {
  const entry = `${packages}${dir}/src/index.ts`;
  if (existsSync(entry)) alias[`@tensile/${dir}`] = entry;
}

// Cross-origin isolation makes SharedArrayBuffer available, so the wasm
// backend can run its kernels on several threads. Static hosts must send
// the same two headers (see README); without them the page still works,
// on one thread.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// @tensile/core installs its Tensor methods (x.add, x.flatten, …) with a
// side-effect import in src/index.ts (`import './tensor-methods.js'`), while
// its package.json says "sideEffects": false. Its built dist is one file, so
// users of the package are not affected; but bundling its sources, as this
// site does, drops that import. Marking both modules as having side effects
// (before Vite's own transforms run) keeps it.
const keepCoreSideEffects: Plugin = {
  name: 'tensile-keep-core-tensor-methods',
  enforce: 'pre',
  transform(code, id) {
    if (id.endsWith('/packages/core/src/index.ts') || id.endsWith('/packages/core/src/tensor-methods.ts')) return { code, map: null, moduleSideEffects: true };
    return undefined;
  },
};

export default defineConfig({
  plugins: [keepCoreSideEffects],
  base: './',
  resolve: { alias },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: {
    format: 'es',
    plugins: () => [keepCoreSideEffects],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
