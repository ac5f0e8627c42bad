import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildWorkload, WORKLOAD_IDS } from '../../../bench/harness/perfWorkloads';
import { prepareBackend } from '../../../bench/harness/runtime';

/**
 * The perf bench's workloads build from the app's templates with the FLOPs
 * the issue counted by hand (GFLOP per step, 3 significant figures), and one
 * step of each runs on wasm (seed 1, random images) leaving no tensor behind.
 */
const EXPECTED_GFLOP: Record<(typeof WORKLOAD_IDS)[number], number> = {
  mlp: 0.0262, lenet: 0.145, ae_mlp: 0.135, vae_mlp: 0.210, deep_ae: 0.988, dcgan: 10.3, char_lstm: 8.46,
};

describe('perf bench workloads', () => {
  beforeAll(async () => { await prepareBackend('wasm'); });

  for (const id of WORKLOAD_IDS) {
    it(`${id}: counts ${EXPECTED_GFLOP[id]} GFLOP per step and trains one step on wasm`, async () => {
      const before = tf.memory().numTensors;
      const w = buildWorkload(id, 1);
      try {
        expect(Number((w.flopsPerStep / 1e9).toPrecision(3))).toBe(EXPECTED_GFLOP[id]);
        const weightsBefore = tf.memory().numTensors;
        await w.step();
        // Adam adds its moment slots on the first step; nothing else may stay.
        await w.step();
        const afterTwo = tf.memory().numTensors;
        await w.step();
        expect(tf.memory().numTensors).toBe(afterTwo);
        expect(afterTwo).toBeGreaterThanOrEqual(weightsBefore);
      } finally {
        w.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
