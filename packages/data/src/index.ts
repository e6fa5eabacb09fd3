/**
 * @tensile/data: datasets, the DataLoader, transforms, MNIST and toy data
 * generators. Imports no backend; tensors are made on the current one.
 */
export type { Dataset, IterableDataset, AnyIterableDataset, SampleOf, Collated } from './dataset.js';
export { isMapDataset, isIterableDataset } from './dataset.js';
export { TensorDataset } from './tensor-dataset.js';
export { Subset, randomSplit } from './subset.js';
export { defaultCollate } from './collate.js';
export { DataLoader } from './loader.js';
export type { DataLoaderOptions, DataLoaderState } from './loader.js';
export { compose, toFloat, scale, normalize, oneHot, randomCrop, randomHorizontalFlip } from './transforms.js';
export type { Transform, RandomTransformOptions, RandomCropOptions, CropPaddingMode } from './transforms.js';
export { readIdx, writeIdx, IdxError } from './idx.js';
export type { IdxArray, IdxDType } from './idx.js';
export { mnist, mnistFromBytes, MnistDataset, MNIST_MEAN, MNIST_STD } from './mnist.js';
export type { MnistOptions, MnistSample } from './mnist.js';
export { sine, moons, spirals } from './toy.js';
export type { ToyDataset } from './toy.js';
export { CharVocab, TextDataset, textDataset } from './text.js';
export type { TextSample, TextDatasetOptions } from './text.js';
export { sotu, sotuAddresses, SOTU_SEPARATOR } from './sotu.js';
export type { SotuOptions, SotuAddress } from './sotu.js';
export { NoisyDataset } from './noisy.js';
export type { NoisyOptions } from './noisy.js';
export { registerData, createDataset, datasetEntries } from './registry.js';
export type { DatasetEntry, JsonValue } from './registry.js';
