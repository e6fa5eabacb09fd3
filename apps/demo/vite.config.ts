import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

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

export default defineConfig({
  base: './',
  resolve: { alias },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // Two pages: training on MNIST, and backpropagation step by step.
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        backprop: fileURLToPath(new URL('backprop.html', import.meta.url)),
      },
    },
  },
});
