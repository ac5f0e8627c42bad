import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConfusionMatrixData } from '../../../workers/common/families/classifier/testReport';
import type { FeatureMapsData } from '../../../workers/common/families/classifier/featureMaps';
import { classifierTemplates } from '../../../workers/common/families/classifier/templates';
import type { ImageGridMeta } from '../../../workers/common/gallery';
import type { ImageDataset } from '../../../workers/data/mnist';
import { RecordingSink } from '../../../workers/engine/sink';
import { runClassifier } from '../../../workers/families/classifier/run';
import { analyzeRun } from '../../../workers/families/registry';
import { classifierConfig as config, mnist, readPng, tempFolder, useWasmBackend } from '../../helpers/inProcessTraining';

// A tiny real run: MNIST 500 train (450 trained, 50 validation) / 200 test, LeNet, 2 epochs of batch 50, Adam, seed 3.
let data: ImageDataset;
let sink: RecordingSink;
const tmp = tempFolder('lw-classifier-page-');
const runDir = join(tmp, 'run');
const hyper = { epochs: 2, batchSize: 50, seed: 3, validationSplit: 0.1 };

const samplesOf = (kind: string) => sink.samples.filter((s) => s.kind === kind);

describe('a classifier run\'s page material (LeNet, MNIST 500/200, seed 3, wasm)', () => {
  useWasmBackend();
  beforeAll(async () => {
    data = mnist(500, 200);
    sink = new RecordingSink();
    await runClassifier({ config: config(hyper), graph: classifierTemplates.lenet, sink, isCancelled: () => false, dataset: data, runDir });
  });

  it('writes the test set\'s confusion matrix, summing to the test size, with the best validation epoch\'s', () => {
    const [cm] = samplesOf('confusion-matrix');
    expect(samplesOf('confusion-matrix')).toHaveLength(1);
    const doc = JSON.parse(readFileSync(cm!.path, 'utf8')) as ConfusionMatrixData;
    expect(doc.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(doc.matrix.flat().reduce((a, b) => a + b, 0)).toBe(200);
    expect(doc.total).toBe(200);
    // Each row sums to that class's test images; the diagonal is the correct ones, as test_accuracy says.
    const counts = Array.from({ length: 10 }, (_, c) => Array.from(data.testLabels).filter((l) => l === c).length);
    expect(doc.matrix.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(counts);
    expect(doc.correct / 200).toBeCloseTo(sink.values('test_accuracy').at(-1)!, 10);
    expect(doc.epoch).toBe(2);
    expect(doc.bestValidation?.key).toBe('val_accuracy');
    expect(doc.bestValidation?.matrix.flat().reduce((a, b) => a + b, 0)).toBe(200);
    expect(cm!.meta).toMatchObject({ epoch: 2, total: 200, numClasses: 10 });
  });

  it('writes the most confident mistakes as a grid with true class, prediction and confidence per cell', () => {
    const doc = JSON.parse(readFileSync(samplesOf('confusion-matrix')[0]!.path, 'utf8')) as ConfusionMatrixData;
    const errors = doc.total - doc.correct;
    const [mis] = samplesOf('misclassified');
    const meta = mis!.meta as ImageGridMeta;
    const n = Math.min(36, errors);
    expect(meta.labels).toHaveLength(n);
    expect(meta.predicted).toHaveLength(n);
    expect(meta.cellLabels).toHaveLength(n);
    for (let i = 0; i < n; i++) {
      expect(meta.predicted![i]).not.toBe(meta.labels![i]);
      expect(data.testLabels[meta.testIndices![i]!]).toBe(meta.labels![i]);
    }
    // Most confident first.
    expect([...meta.confidences!].sort((a, b) => b - a)).toEqual(meta.confidences);
    expect(meta.cols).toBe(Math.min(6, n));
    expect(readPng(mis!.path).width).toBe(meta.cols * 28 + meta.cols + 1);
  });

  it('writes the first conv layer\'s 6 kernels (5×5) at each epoch end', () => {
    const filters = samplesOf('filters');
    expect(filters.map((f) => f.step)).toEqual([9, 18]);
    expect(filters[0]!.meta).toMatchObject({ cellHeight: 5, cellWidth: 5, channels: 1, rows: 2, cols: 3 });
  });

  it('returns each conv layer\'s feature maps of a chosen test image, of the right shapes', async () => {
    const checkpoint = sink.checkpoints.at(-1)!;
    const test = { images: data.testImages, labels: data.testLabels, inputShape: data.inputShape };
    const out = await analyzeRun({
      config: config(hyper), architecture: classifierTemplates.lenet, runDir, checkpoint, request: { kind: 'feature-maps', index: 7 }, step: checkpoint.step,
    }, { testSet: test, now: () => 1 });
    expect(out.kind).toBe('feature-maps');
    const doc = JSON.parse(readFileSync(out.path, 'utf8')) as FeatureMapsData;
    expect(doc.layers.map((l) => [l.id, l.height, l.width, l.channels, l.maps.length])).toEqual([['conv1', 28, 28, 6, 28 * 28 * 6], ['conv2', 10, 10, 16, 10 * 10 * 16]]);
    expect(doc.layers[0]!.label).toBe('Conv 6@5×5 same');
    // After ReLU nothing is negative.
    expect(Math.min(...doc.layers.map((l) => l.min))).toBeGreaterThanOrEqual(0);
    expect(doc.label).toBe(data.testLabels[7]);
    expect(doc.image.pixels).toHaveLength(784);
    expect(out.meta).toMatchObject({ index: 7, layers: 2 });
  });

  it('refuses feature maps for a model without a convolution, saying where its filters are', async () => {
    const mlpDir = join(tmp, 'mlp');
    const mlpSink = new RecordingSink();
    await runClassifier({ config: config({ ...hyper, epochs: 1 }), graph: classifierTemplates.mlp, sink: mlpSink, isCancelled: () => false, dataset: data, runDir: mlpDir });
    // The MLP's filters are its first dense layer's 128 units reshaped to 28×28 (the first 64).
    expect(mlpSink.samples.find((s) => s.kind === 'filters')!.meta).toMatchObject({ cellHeight: 28, cellWidth: 28, rows: 8, cols: 8 });
    const test = { images: data.testImages, labels: data.testLabels, inputShape: data.inputShape };
    await expect(analyzeRun({
      config: config({ ...hyper, epochs: 1 }), architecture: classifierTemplates.mlp, runDir: mlpDir, checkpoint: mlpSink.checkpoints.at(-1)!, request: { kind: 'feature-maps', index: 0 }, step: 9,
    }, { testSet: test })).rejects.toThrow(/has no convolutional layer.*Filters tab/);
  });
});
