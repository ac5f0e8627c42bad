/**
 * The trainer (engine/trainer.ts) on sessions written here: a family whose
 * parameters are plain tf.Variables updated by its own rule (no optimiser,
 * no gradients, no LayersModel; an RBM trained by CD-k is such a family)
 * checkpoints and resumes exactly, its own PRNG included; the gallery
 * schedule; the finite-loss check naming the network; cancel and disposal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { CheckpointRef } from '../../../workers/common/protocol';
import { selectBackend } from '../../../workers/engine/backend';
import { readManifest } from '../../../workers/engine/checkpoint';
import { mulberry32, type Prng } from '../../../workers/engine/prng';
import { RecordingSink } from '../../../workers/engine/sink';
import { train, type TrainResult, type TrainSession } from '../../../workers/engine/trainer';

const tmp = mkdtempSync(join(tmpdir(), 'lw-trainer-'));

beforeAll(async () => {
  expect(await selectBackend('cpu')).toBe('cpu');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A family of its own rule: w moves towards noisy targets drawn from the family's own PRNG (seeded), with a decaying rate. */
function ownRuleSession(seed: number, log: { disposed: number }): TrainSession<'loss'> {
  const w = tf.variable(tf.zeros([4]));
  const rate = tf.variable(tf.scalar(0.5));
  let rng: Prng = mulberry32(seed);
  return {
    parts: [{ name: 'own', weights: { variables: [{ name: 'w', variable: w }, { name: 'rate', variable: rate }] } }],
    optimizers: [],
    randomStates: [{ name: 'own/targets', getRngState: () => rng.state(), setRngState: (s) => { rng = mulberry32(s); } }],
    epochs: 3,
    stepsPerEpoch: 4,
    step: async () => {
      const target = tf.tensor1d(Array.from({ length: 4 }, () => rng()));
      const loss = tf.tidy(() => {
        w.assign(tf.add(w, tf.mul(rate, tf.sub(target, w))));
        rate.assign(tf.mul(rate, 0.9));
        return tf.mean(tf.square(tf.sub(target, w)));
      });
      const value = (await loss.data())[0]!;
      tf.dispose([target, loss]);
      return { values: { loss: value }, checked: [{ value }] };
    },
    dispose: () => { tf.dispose([w, rate]); log.disposed++; },
  };
}

describe('the trainer', () => {
  it('checkpoints a family\'s own named variables and PRNG, and resumes it bit for bit (seed 5)', async () => {
    const log = { disposed: 0 };
    const run = (sink: RecordingSink, runDir: string, isCancelled: () => boolean, resumeFrom?: CheckpointRef): Promise<TrainResult> =>
      train({ sink, runDir, isCancelled, ...(resumeFrom ? { resumeFrom } : {}) }, () => ownRuleSession(5, log));
    const full = new RecordingSink();
    expect((await run(full, join(tmp, 'own-full'), () => false)).status).toBe('done');
    const first = new RecordingSink();
    expect((await run(first, join(tmp, 'own'), () => first.checkpoints.length > 0)).status).toBe('cancelled');
    const manifest = await readManifest(first.checkpoints[0]!.dir);
    expect(manifest.model.map((e) => e.name)).toEqual(['w', 'rate']);
    expect(manifest.optimizer).toEqual([]);
    expect(Object.keys(manifest.rng)).toEqual(['own/targets']);
    const resumed = new RecordingSink();
    expect((await run(resumed, join(tmp, 'own'), () => false, first.checkpoints[0]!)).status).toBe('done');
    expect([...first.metrics, ...resumed.metrics]).toEqual(full.metrics);
    expect(resumed.metrics[0]!.step).toBe(5);
    expect(log.disposed).toBe(3);
  });

  const scheduled = async (o: { sampleEverySteps: number; galleryAtStart: boolean }): Promise<number[]> => {
    const steps: number[] = [];
    await train({ sink: new RecordingSink(), isCancelled: () => false }, () => ({
      parts: [], optimizers: [], epochs: 2, stepsPerEpoch: 3, ...o,
      step: async () => ({ values: {}, checked: [] }),
      galleries: async (step) => { steps.push(step); },
      dispose: () => undefined,
    }));
    return steps;
  };

  it('draws galleries at step 0 when asked, every sampleEverySteps, and at each epoch end, never twice for one step', async () => {
    expect(await scheduled({ sampleEverySteps: 2, galleryAtStart: true })).toEqual([0, 2, 3, 4, 6]);
    expect(await scheduled({ sampleEverySteps: 3, galleryAtStart: false })).toEqual([3, 6]);
    expect(await scheduled({ sampleEverySteps: 0, galleryAtStart: false })).toEqual([3, 6]);
  });

  it('checks every loss a step returns, naming the network, before recording anything; disposes the session', async () => {
    const sink = new RecordingSink();
    let disposed = false;
    const r = train({ sink, isCancelled: () => false }, () => ({
      parts: [], optimizers: [], epochs: 1, stepsPerEpoch: 2,
      step: async () => ({ values: { d_loss: 1, g_loss: NaN }, checked: [{ value: 1, network: 'Discriminator', learningRate: 0.2 }, { value: NaN, network: 'Generator', learningRate: 0.1 }] }),
      dispose: () => { disposed = true; },
    }));
    await expect(r).rejects.toThrow(/^Generator loss became NaN at epoch 1, step 1 \(the generator learning rate 0\.1 may be too high\)$/);
    expect(sink.metrics).toEqual([]);
    expect(disposed).toBe(true);
  });

  it('a cancelled run skips finish; a completed one records its epoch metrics as final values', async () => {
    const finished: number[] = [];
    const session = (): TrainSession<'loss' | 'epoch_loss'> => ({
      parts: [], optimizers: [], epochs: 2, stepsPerEpoch: 2,
      step: async ({ step }) => ({ values: { loss: step }, checked: [{ value: step }] }),
      endEpoch: async (epoch) => ({ metrics: { epoch_loss: 10 * epoch }, log: `epoch ${epoch}` }),
      finish: async (step) => { finished.push(step); },
      dispose: () => undefined,
    });
    const sink = new RecordingSink();
    expect(await train({ sink, isCancelled: () => sink.metrics.length >= 3 }, session)).toEqual({ status: 'cancelled' });
    expect(finished).toEqual([]);
    expect(sink.logs.at(-1)!.message).toBe('Cancelled at step 2');
    const done = new RecordingSink();
    expect(await train({ sink: done, isCancelled: () => false }, session)).toEqual({ status: 'done', final: { epoch_loss: 20 } });
    expect(finished).toEqual([4]);
    expect(done.progressEvents.at(-1)).toEqual({ epoch: 2, epochs: 2, step: 4, totalSteps: 4 });
    expect(done.logs.map((l) => l.message)).toEqual(['epoch 1', 'epoch 2']);
  });
});
