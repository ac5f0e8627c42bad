/**
 * Set-up shared by the tests that train a family in this process: the unit
 * tier's mechanics tests (metrics, galleries, resuming) and the training
 * tier's tests that assert a model learns. Each training-tier test states its
 * seed and backend in its name; the configs built here leave every other
 * hyperparameter at the schema's default (seed 42 unless given).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, expect } from 'vitest';
import { datasetCatalogue } from '../../workers/common/datasets';
import { autoencoderConfigSchema, type AutoencoderConfig } from '../../workers/common/families/autoencoder/config';
import { classifierConfigSchema, type ClassifierConfig } from '../../workers/common/families/classifier/config';
import { ganConfigSchema, type GanConfig } from '../../workers/common/families/gan/config';
import type { MetricKey } from '../../workers/common/families/registry';
import { vaeConfigSchema, type VaeConfig } from '../../workers/common/families/vae/config';
import { loadImageDataset, type ImageDataset } from '../../workers/data/mnist';
import { selectBackend } from '../../workers/engine/backend';
import type { RecordingSink } from '../../workers/engine/sink';
import { registerWasmKernels } from '../../workers/engine/wasmKernels';

/** Before the enclosing file's (or describe's) tests: the wasm backend, with the kernels it lacks registered. */
export function useWasmBackend(): void {
  beforeAll(async () => {
    registerWasmKernels();
    expect(await selectBackend('wasm')).toBe('wasm');
  });
}

/** A fresh temporary folder, removed after the enclosing file's (or describe's) tests. */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The first `trainSize` MNIST training images and the first `testSize` test images. */
export function mnist(trainSize: number, testSize: number): ImageDataset {
  return loadImageDataset(datasetCatalogue.mnist, { trainSize, testSize });
}

/** The first `nTrain` training and `nTest` test examples of a loaded set. */
export function subset(d: ImageDataset, nTrain: number, nTest: number): ImageDataset {
  const per = d.inputShape.reduce((a, b) => a * b, 1);
  return { ...d, trainImages: d.trainImages.slice(0, nTrain * per), trainLabels: d.trainLabels.slice(0, nTrain), testImages: d.testImages.slice(0, nTest * per), testLabels: d.testLabels.slice(0, nTest) };
}

/** The steps at which a metric was recorded, in order. */
export function metricSteps(sink: RecordingSink, key: MetricKey): number[] {
  return sink.metrics.filter((m) => m.key === key).map((m) => m.step);
}

/** A gallery PNG as written. */
export function readPng(path: string): PNG {
  return PNG.sync.read(readFileSync(path));
}

export const classifierConfig = (hyper: Partial<ClassifierConfig['hyper']>): ClassifierConfig => classifierConfigSchema.parse({ family: 'classifier', hyper });
export const autoencoderConfig = (hyper: Partial<AutoencoderConfig['hyper']>): AutoencoderConfig => autoencoderConfigSchema.parse({ family: 'autoencoder', hyper });
export const vaeConfig = (hyper: Partial<VaeConfig['hyper']>): VaeConfig => vaeConfigSchema.parse({ family: 'vae', hyper });
export const ganConfig = (hyper: Partial<GanConfig['hyper']>, template: 'mlp' | 'dcgan' | 'toy-mlp'): GanConfig => ganConfigSchema.parse({ family: 'gan', architecture: { template }, hyper });
