import type { ClassifierConfig } from '../../workers/common/runConfig';
import { classifierConfigSchema } from '../../workers/common/runConfig';

/** A small real-MNIST classifier config; fields override the defaults. */
export function mlpConfig(hyper: Partial<ClassifierConfig['hyper']> = {}, dataset: Partial<ClassifierConfig['dataset']> = {}): ClassifierConfig {
  return classifierConfigSchema.parse({
    family: 'classifier',
    dataset: { id: 'mnist', trainSize: 2000, testSize: 1000, ...dataset },
    architecture: { template: 'mlp' },
    hyper: { epochs: 2, batchSize: 32, optimizer: 'adam', learningRate: 0.001, validationSplit: 0.1, seed: 7, ...hyper },
  });
}

/**
 * The tiny classifier the compare e2e tests sweep: MNIST, 200 training and
 * 100 test images, batch 32, named; `learningRate`, `seed` and `epochs` vary.
 */
export function sweepConfig(name: string, learningRate: number, seed: number, epochs = 1): ClassifierConfig & { name: string } {
  return { ...mlpConfig({ learningRate, seed, epochs, batchSize: 32 }, { trainSize: 200, testSize: 100 }), name };
}
