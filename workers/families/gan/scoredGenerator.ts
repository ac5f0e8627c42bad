/**
 * Auditable scores: at every step where a GAN run records its sample scores,
 * the generator's weights are kept too (`${runDir}/scored/step-NNNNNNN/`, a
 * checkpoint of the generator part only, engine/checkpoint.ts format, no
 * optimizer state), recorded as a 'scored-generator' artifact whose meta
 * carries the scores and the sample count. Rebuilding the generator from the
 * run's architecture, loading these weights and scoring the same fixed
 * noise (`ganEvaluationSeed`) reproduces the recorded score exactly; scoring
 * more draws of the same noise is the 're-evaluate' analysis (reevaluate.ts).
 *
 * Disk: the generator's weights in float32, nothing else. The DCGAN template
 * for 28×28×1 (noise 64) has 565,185 generator weights (batch-norm moving
 * statistics included): 2.26 MB per scored step; the MLP template 218,128
 * (0.87 MB). Scored steps are step 0, every sampleEverySteps and each epoch
 * end only, so a 20-epoch DCGAN run with sampleEverySteps 0 keeps 21 of them,
 * about 47 MB. (The epoch checkpoints keep both networks and both optimizers'
 * state, about 4× that each.)
 */
import { join } from 'node:path';
import { deriveSeed } from '../../engine/prng';
import { saveCheckpoint } from '../../engine/checkpoint';
import type { FamilySink } from '../../engine/sink';
import type { GanNetworks } from './model';

/** The seed of the fixed noise a run's sample scores use (training and re-evaluation alike). */
export function ganEvaluationSeed(runSeed: number): number {
  return deriveSeed(runSeed, 0xe7a1);
}

/** Where the generator scored at `step` is kept. */
export function scoredGeneratorDir(runDir: string, step: number): string {
  return join(runDir, 'scored', `step-${String(step).padStart(7, '0')}`);
}

/**
 * The scores' numeric fields as a plain record for JSON (whatever fields the
 * evaluator returns); a non-finite score is left out, since JSON would turn
 * it into null (the run's metrics keep it).
 */
export function scoreRecord(scores: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(scores)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** Saves the generator's weights as they were scored at `step` and records them as a 'scored-generator' artifact. */
export async function keepScoredGenerator(nets: GanNetworks, runDir: string, sink: FamilySink<'gan'>, at: { step: number; epoch: number; samples: number; scores: object }): Promise<string> {
  const dir = scoredGeneratorDir(runDir, at.step);
  await saveCheckpoint(dir, nets.generator, undefined, { epoch: at.epoch, step: at.step, rng: {} });
  sink.sample('scored-generator', at.step, dir, { step: at.step, epoch: at.epoch, samples: at.samples, scores: scoreRecord(at.scores) });
  return dir;
}
