/**
 * The RBM run's test log-likelihood, through the family's own run on 100
 * MNIST training and 20 test images (cpu backend, seeds in the names): when
 * `hyper.logLikelihood` measures it, which keys it records, and that the
 * value is −mean F(v) − log Z of the same epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetCatalogue } from '../../../workers/common/datasets';
import { rbmConfigSchema } from '../../../workers/common/families/rbm/config';
import { loadImageDataset, type ImageDataset } from '../../../workers/data/mnist';
import { RecordingSink } from '../../../workers/engine/sink';
import { logLikelihoodDue } from '../../../workers/families/rbm/logLikelihood';
import { runRbm } from '../../../workers/families/rbm/run';

let data: ImageDataset;
beforeAll(async () => {
  await tf.setBackend('cpu');
  data = loadImageDataset(datasetCatalogue.mnist, { trainSize: 100, testSize: 20 });
});

async function run(hyper: Record<string, unknown>): Promise<RecordingSink> {
  const sink = new RecordingSink();
  const config = rbmConfigSchema.parse({ family: 'rbm', hyper: { epochs: 2, batchSize: 50, gibbsSteps: 2, validationSplit: 0, ...hyper } });
  const r = await runRbm({ config, dataset: data, sink, isCancelled: () => false });
  expect(r.status).toBe('done');
  return sink;
}

describe('RBM run: test log-likelihood', () => {
  it('is due every epoch on auto only while log Z is exact (≤ 20 hidden units); end means the last epoch', () => {
    expect([1, 2].map((e) => logLikelihoodDue('auto', 20, e, 2))).toEqual([true, true]);
    expect([1, 2].map((e) => logLikelihoodDue('auto', 21, e, 2))).toEqual([false, false]);
    expect([1, 2].map((e) => logLikelihoodDue('end', 500, e, 2))).toEqual([false, true]);
    expect([1, 2].map((e) => logLikelihoodDue('epoch', 500, e, 2))).toEqual([true, true]);
    expect([1, 2].map((e) => logLikelihoodDue('off', 4, e, 2))).toEqual([false, false]);
  });

  it('6 hidden units on auto (seed 4): exact each epoch, −test F − log Z, no standard error', async () => {
    const sink = await run({ numHidden: 6, seed: 4 });
    const ll = sink.values('test_log_likelihood');
    const logZ = sink.values('log_partition_function');
    const f = sink.values('test_free_energy');
    expect(ll).toHaveLength(2);
    ll.forEach((x, i) => expect(x).toBeCloseTo(-f[i]! - logZ[i]!, 9));
    // A distribution over 2^784 binary images: log-likelihood below zero, above the uniform model's −784 log 2.
    ll.forEach((x) => { expect(x).toBeLessThan(0); expect(x).toBeGreaterThan(-784 * Math.LN2); });
    expect(sink.values('test_log_likelihood_se')).toEqual([]);
    expect(sink.logs.filter((l) => l.message.includes('exact (log Z summed over all 2^6 hidden states)'))).toHaveLength(2);
  });

  it('24 hidden units with end (seed 4): one AIS estimate after the last epoch, with its standard error', async () => {
    const sink = await run({ numHidden: 24, seed: 4, logLikelihood: 'end', aisRuns: 8, aisSteps: 60 });
    expect(sink.values('test_log_likelihood')).toHaveLength(1);
    const se = sink.values('test_log_likelihood_se');
    expect(se).toHaveLength(1);
    expect(se[0]).toBeGreaterThan(0);
    expect(sink.values('test_log_likelihood')[0]).toBeCloseTo(-sink.values('test_free_energy')[1]! - sink.values('log_partition_function')[0]!, 9);
    expect(sink.logs.some((l) => /Epoch 2\/2: test log-likelihood .* AIS estimate ± .*8 runs × 60 steps/.test(l.message))).toBe(true);
  });

  it('off records nothing of it', async () => {
    const sink = await run({ numHidden: 6, seed: 4, logLikelihood: 'off', epochs: 1 });
    expect(sink.values('test_log_likelihood')).toEqual([]);
    expect(sink.values('log_partition_function')).toEqual([]);
  });
});
