/**
 * Do the lazy fused-conv gradients (workers/engine/lazyFusedGradients.ts)
 * help a classifier? LeNet-5 steps (the app's template, batch 64, Adam, wasm,
 * seed 1) with tfjs' eager fused-conv gradient vs the lazy one, interleaved
 * (eager, lazy, eager, lazy, … rounds of a few steps; min and median ms), and
 * the conv-gradient kernels one step runs with each. Also LeNet-5 with
 * LeakyReLU convs: the graph compiler builds those as a linear conv followed
 * by a LeakyReLU layer, the case the lazy gradient covers (a ReLU conv is
 * tfjs' fused conv with the activation inside, which it leaves alone).
 * Merges overhead.lazy_grads.lenet*_b64.* into bench/results/throughput.json.
 *
 *   npm run build:node && node dist/bench/lazyGradsLenet.js [--rounds 10] [--steps 5]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { appRoot } from '../main/services/appInfo';
import { classifierTemplate } from '../workers/common/families/classifier/templates';
import type { GraphDocument } from '../workers/common/graph';
import { setLazyFusedGradients } from '../workers/engine/lazyFusedGradients';
import { makeOptimizer } from '../workers/engine/optimizer';
import { buildClassifier } from '../workers/families/classifier/model';
import { trainStep } from '../workers/families/classifier/step';
import { mergeResults, minMedian } from './harness/mergeResults';
import { prepareBackend } from './harness/runtime';

const BATCH = 64;

/** LeNet-5 as the template has it ('relu') or with LeakyReLU convs ('leaky'). */
function lenetGraph(convActivation: 'relu' | 'leaky'): GraphDocument {
  const doc = classifierTemplate('lenet', [28, 28, 1], 10);
  if (convActivation === 'leaky') for (const n of doc.nodes) if (n.kind === 'conv2d') n.params = { ...n.params, activation: 'leakyRelu' };
  return doc;
}

/** A seeded LeNet with Adam on one fixed random batch; step() trains one step with the lazy gradients on or off. */
function lenet(doc: GraphDocument, lazy: boolean) {
  const cm = buildClassifier(doc, [28, 28, 1], 10, 1);
  const opt = makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 });
  const xs = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  const labels = tf.tensor1d(Array.from({ length: BATCH }, (_, j) => (j * 7) % 10), 'int32');
  const ys = tf.tidy(() => tf.cast(tf.oneHot(labels, 10), 'float32') as tf.Tensor2D);
  return {
    step: async (): Promise<void> => { setLazyFusedGradients(lazy); await trainStep(cm, opt, { xs, ys, labels }); },
    dispose: (): void => { cm.model.dispose(); opt.dispose(); tf.dispose([xs, ys, labels]); },
  };
}

async function convGradKernels(step: () => Promise<void>): Promise<Record<string, number>> {
  const info = await tf.profile(step);
  const out: Record<string, number> = { Conv2DBackpropInput: 0, Conv2DBackpropFilter: 0 };
  for (const k of info.kernels) if (k.name in out) out[k.name]! += 1;
  return out;
}

async function compare(variant: 'relu' | 'leaky', rounds: number, steps: number, results: Record<string, number | string>): Promise<void> {
  const arms = { eager: lenet(lenetGraph(variant), false), lazy: lenet(lenetGraph(variant), true) };
  const times: Record<'eager' | 'lazy', number[]> = { eager: [], lazy: [] };
  const key = `overhead.lazy_grads.lenet${variant === 'leaky' ? '_leaky' : ''}_b64`;
  for (const [name, arm] of Object.entries(arms)) {
    const k = await convGradKernels(arm.step);
    results[`${key}.${name}.conv2d_backprop_input_calls`] = k['Conv2DBackpropInput']!;
    results[`${key}.${name}.conv2d_backprop_filter_calls`] = k['Conv2DBackpropFilter']!;
  }
  for (let r = -1; r < rounds; r++) {
    for (const name of ['eager', 'lazy'] as const) {
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) await arms[name].step();
      if (r >= 0) times[name].push((performance.now() - t0) / steps);
    }
  }
  for (const name of ['eager', 'lazy'] as const) {
    const s = minMedian(times[name]);
    results[`${key}.step.${name}_min_ms`] = s.min;
    results[`${key}.step.${name}_median_ms`] = s.median;
    arms[name].dispose();
  }
  console.log(`LeNet-5 (${variant} convs): eager ${results[`${key}.step.eager_min_ms`]} / ${results[`${key}.step.eager_median_ms`]} ms, lazy ${results[`${key}.step.lazy_min_ms`]} / ${results[`${key}.step.lazy_median_ms`]} ms (min / median); Conv2DBackpropInput ${results[`${key}.eager.conv2d_backprop_input_calls`]} → ${results[`${key}.lazy.conv2d_backprop_input_calls`]}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '10' }, steps: { type: 'string', default: '5' } } });
  const rounds = Number(values.rounds);
  const steps = Number(values.steps);
  await prepareBackend('wasm');
  const results: Record<string, number | string> = {};
  await compare('relu', rounds, steps, results);
  await compare('leaky', rounds, steps, results);
  setLazyFusedGradients(false);
  results['overhead.lazy_grads.lenet_samples_per_arm'] = rounds;
  const description = `LeNet-5 training steps (wasm, batch 64, Adam, seed 1) with tfjs' eager fused-conv gradients vs the lazy ones: ${rounds} interleaved rounds of ${steps} steps per arm after a warm-up round, min and median ms per step; conv-gradient kernel calls of one step. 'lenet' = the template (ReLU convs), 'lenet_leaky' = LeakyReLU convs. Shared machine.`;
  mergeResults(join(appRoot, 'bench', 'results', 'throughput.json'), 'lazy_grads_lenet', results, description);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
