/**
 * What logging metrics costs a training step (issue 17: "metric logging stays
 * under 1 % of step time"). The reference MLP and LeNet-5 steps
 * (bench/harness/perfWorkloads.ts, batch 64, Adam, wasm) run in a loop shaped
 * like trainLoop's (a yield to the event loop per step), and after each step
 * the trainer's metric path as runHost wires it: the classifier's step values
 * through metricEntries into sink.metric → MetricBatcher (250 ms / 256
 * points) and sink.progress → Throttle (100 ms), each batch postMessage'd to a
 * worker thread that drops it (the main side's SQLite writes are another
 * thread's time). Timed per step: the sink calls, plus batches flushed by the
 * batcher's timer outside them; and separately the readback of one computed
 * loss scalar (`await t.data()`), which a step needs for the NaN check anyway
 * (already inside the step's time: counted twice, to be safe).
 * fraction_of_step = (median sink calls + posts per step + one readback) /
 * median step, per round; min and median over rounds. The median, because a
 * rare GC pause (the step's tensors' garbage) or a descheduling on the shared
 * machine that lands in the few µs of sink calls is not their cost; the mean
 * with those pauses is reported beside it as an upper bound. Merges overhead.metric_logging.* into
 * bench/results/throughput.json.
 *
 *   npm run build:node && node dist/bench/metricOverhead.js [--rounds 5] [--steps 200]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { appRoot } from '../main/services/appInfo';
import type { MetricPoint } from '../workers/common/protocol';
import { MetricBatcher } from '../workers/engine/metricBatcher';
import type { ProgressInfo } from '../workers/engine/sink';
import { Throttle } from '../workers/engine/throttle';
import { metricEntries } from '../workers/engine/trainer';
import { yieldToEventLoop } from '../workers/engine/trainLoop';
import { mergeResults, minMedian } from './harness/mergeResults';
import { buildWorkload, type Workload } from './harness/perfWorkloads';
import { prepareBackend } from './harness/runtime';

const RECEIVER = "require('node:worker_threads').parentPort.on('message', () => {});";

interface RoundTimes {
  /** Median ms of a step. */
  stepMs: number;
  /** Median ms of the sink calls after a step (a rare GC pause or descheduling landing there is the step's garbage or the machine's, not the path's). */
  pathMs: number;
  /** Mean ms of the same, pauses included (an upper bound). */
  pathMeanMs: number;
  /** Median ms of one post of a batch (metrics or progress) × posts per step. */
  flushMs: number;
  /** The same with the posts' mean (pauses included). */
  flushMeanMs: number;
}

const median = (xs: number[]): number => minMedian(xs, 6).median;

/** The host's sink (runHost.ts) posting to `worker`; the time of each post outside the sink calls (the batcher's timer, the final flush) goes to `clock.posts`. */
function hostSink(worker: Worker, clock: { posts: number[]; inPath: boolean }) {
  const post = (message: object): void => {
    const t0 = performance.now();
    worker.postMessage(message);
    if (!clock.inPath) clock.posts.push(performance.now() - t0);
  };
  const batcher = new MetricBatcher((points: MetricPoint[]) => post({ type: 'metrics', points }));
  const progress = new Throttle<ProgressInfo>((p) => post({ type: 'progress', ...p }), 100);
  return { batcher, progress };
}

/** One round of `steps` steps of `w` with the metric path after each. */
async function round(w: Workload, worker: Worker, steps: number, firstStep: number): Promise<RoundTimes> {
  const clock: { posts: number[]; inPath: boolean } = { posts: [], inPath: false };
  const { batcher, progress } = hostSink(worker, clock);
  const stepMs: number[] = [];
  const pathMs: number[] = [];
  for (let i = 0; i < steps; i++) {
    await yieldToEventLoop();
    const t0 = performance.now();
    await w.step();
    const t1 = performance.now();
    clock.inPath = true;
    const step = firstStep + i;
    for (const [key, value] of metricEntries({ loss: 2.3 - step * 1e-4 })) batcher.add(key, step, value);
    progress.push({ epoch: 1, epochs: 1, step, totalSteps: firstStep + steps });
    clock.inPath = false;
    pathMs.push(performance.now() - t1);
    stepMs.push(t1 - t0);
  }
  batcher.finish();
  progress.flush();
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const perStep = clock.posts.length / steps;
  return {
    stepMs: median(stepMs), pathMs: median(pathMs), pathMeanMs: mean(pathMs),
    flushMs: (clock.posts.length ? median(clock.posts) : 0) * perStep, flushMeanMs: mean(clock.posts) * perStep,
  };
}

/** Median ms of reading back one computed scalar (the loss) on the active backend. */
async function readbackMs(n: number): Promise<number> {
  const a = tf.scalar(1.5);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const loss = tf.mul(a, i);
    const t0 = performance.now();
    await loss.data();
    times.push(performance.now() - t0);
    loss.dispose();
  }
  a.dispose();
  return median(times);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '200' } } });
  const rounds = Number(values.rounds);
  const steps = Number(values.steps);
  await prepareBackend('wasm');
  const worker = new Worker(RECEIVER, { eval: true });
  const results: Record<string, number | string> = {};
  const readback = await readbackMs(2000);
  results['overhead.metric_logging.loss_readback_us'] = Number((readback * 1000).toFixed(2));
  for (const id of ['mlp', 'lenet'] as const) {
    const w = buildWorkload(id, 1);
    for (let i = 0; i < 10; i++) await w.step();
    const times: RoundTimes[] = [];
    for (let r = 0; r < rounds; r++) times.push(await round(w, worker, steps, r * steps + 1));
    w.dispose();
    const fraction = minMedian(times.map((t) => (t.pathMs + t.flushMs + readback) / t.stepMs), 5);
    const upper = minMedian(times.map((t) => (t.pathMeanMs + t.flushMeanMs + readback) / t.stepMs), 5);
    const p = `overhead.metric_logging.${id}`;
    results[`${p}.fraction_of_step`] = fraction.median;
    results[`${p}.fraction_of_step_min`] = fraction.min;
    results[`${p}.fraction_of_step_with_pauses`] = upper.median;
    results[`${p}.sink_us_per_step_median`] = minMedian(times.map((t) => t.pathMs * 1000), 2).median;
    results[`${p}.sink_us_per_step_mean_with_pauses`] = minMedian(times.map((t) => t.pathMeanMs * 1000), 2).median;
    results[`${p}.flush_us_per_step`] = minMedian(times.map((t) => t.flushMs * 1000), 2).median;
    results[`${p}.step_ms_median`] = minMedian(times.map((t) => t.stepMs), 2).median;
    console.log(`${id}: sink ${results[`${p}.sink_us_per_step_median`]} µs + posts ${results[`${p}.flush_us_per_step`]} µs + readback ${results['overhead.metric_logging.loss_readback_us']} µs per step of ${results[`${p}.step_ms_median`]} ms → ${(fraction.median * 100).toFixed(3)} % (min ${(fraction.min * 100).toFixed(3)} %; with pauses ${(upper.median * 100).toFixed(3)} %)`);
  }
  results['overhead.metric_logging.rounds'] = rounds;
  results['overhead.metric_logging.steps_per_round'] = steps;
  await worker.terminate();
  const description = `Metric logging per training step (wasm, batch 64, Adam): the host's sink calls (metricEntries → MetricBatcher, progress Throttle) after each of ${steps} steps, ${rounds} rounds, their median per round; the batches' postMessage to a worker thread (median post × posts per step); one loss scalar readback (median of 2,000; the step itself awaits it, so it is counted twice). fraction_of_step = (sink median + posts + readback) / median step, median and min over rounds; fraction_of_step_with_pauses uses the sink calls' and posts' means instead (a GC pause or descheduling that lands in them counted: an upper bound). Shared machine.`;
  mergeResults(join(appRoot, 'bench', 'results', 'throughput.json'), 'metric_logging', results, description);
  console.log(JSON.stringify(results, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
