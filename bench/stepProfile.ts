/**
 * Where one training step of a perf workload spends its time (issue 17's
 * small dense workloads): wall ms per step (median of --steps), kernels
 * launched per step, and tf.profile's per-kernel-name counts and summed
 * kernel ms (averaged over 10 profiled steps). tfjs profiles nested kernels too (a composed kernel's inner
 * kernels are listed after it), so the summed ms over-count; the gap between
 * the wall time and the kernels' time is engine bookkeeping, the tape and JS.
 *
 *   npm run build:node && node dist/bench/stepProfile.js [--workloads mlp,ae_mlp,vae_mlp] [--steps 30] [--top 25]
 */
import * as tf from '@tensorflow/tfjs';
import { prepareBackend } from './harness/runtime';
import { buildWorkload, WORKLOAD_IDS, type WorkloadId } from './harness/perfWorkloads';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

interface KernelRow { name: string; calls: number; ms: number }

/** Kernel calls of one step grouped by name, most time first. */
async function profileStep(step: () => Promise<void>, steps: number): Promise<{ calls: number; rows: KernelRow[] }> {
  const info = await tf.profile(async () => { for (let i = 0; i < steps; i++) await step(); });
  const by = new Map<string, KernelRow>();
  for (const k of info.kernels) {
    const row = by.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    row.calls += 1 / steps;
    row.ms += (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0) / steps;
    by.set(k.name, row);
  }
  return { calls: info.kernels.length / steps, rows: [...by.values()].sort((a, b) => b.ms - a.ms) };
}

async function main(): Promise<void> {
  await prepareBackend(arg('backend', 'wasm'));
  const ids = arg('workloads', 'mlp,ae_mlp,vae_mlp').split(',') as WorkloadId[];
  const steps = Number(arg('steps', '30'));
  const top = Number(arg('top', '25'));
  for (const id of ids) {
    if (!WORKLOAD_IDS.includes(id)) throw new Error(`Unknown workload '${id}' (one of ${WORKLOAD_IDS.join(', ')})`);
    const w = buildWorkload(id);
    for (let i = 0; i < 5; i++) await w.step();
    const wall: number[] = [];
    for (let i = 0; i < steps; i++) { const t0 = performance.now(); await w.step(); wall.push(performance.now() - t0); }
    wall.sort((a, b) => a - b);
    const p = await profileStep(() => w.step(), 10);
    const kernelMs = p.rows.reduce((s, r) => s + r.ms, 0);
    console.log(`\n${id}: wall min ${wall[0]!.toFixed(2)} median ${wall[wall.length >> 1]!.toFixed(2)} ms/step (n=${steps}); ${p.calls} kernel calls/step; Σ kernel ms (nested counted twice) ${kernelMs.toFixed(2)}`);
    for (const r of p.rows.slice(0, top)) console.log(`  ${r.name.padEnd(24)} ${r.calls.toFixed(0).padStart(4)} calls ${r.ms.toFixed(3).padStart(8)} ms`);
    w.dispose();
  }
}

void main();
