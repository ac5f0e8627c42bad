/**
 * A trained GAN's generator along a path between two noise vectors: the
 * fixed noise of two cells of the samples grid (the same noise at every
 * logged step), through the generator restored from a checkpoint. 'slerp'
 * (spherical) keeps the path at the radius where Gaussian noise has its
 * mass; 'linear' cuts through the low-norm middle (White 2016).
 */
import type { ModelDocument, Shape } from '../../common/graph';
import { ganLatentDim, type GanConfig } from '../../common/runConfig';
import { loadCheckpoint } from '../../engine/checkpoint';
import { buildGan, disposeGan, ganBuildOptions } from './model';
import { generate, toUnitPixels } from './galleries';

/** Points from a to b (t = 0 … 1, `steps` of them) on the straight line or the great circle. */
export function latentPath(a: readonly number[], b: readonly number[], steps: number, path: 'slerp' | 'linear'): number[][] {
  if (a.length !== b.length) throw new Error(`The two noise vectors differ in size (${a.length} vs ${b.length})`);
  const dot = a.reduce((s, v, i) => s + v * b[i]!, 0);
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  const omega = na > 0 && nb > 0 ? Math.acos(Math.min(1, Math.max(-1, dot / (na * nb)))) : 0;
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    const t = steps === 1 ? 0 : i / (steps - 1);
    let wa = 1 - t;
    let wb = t;
    // Near-parallel vectors: slerp tends to the straight line.
    if (path === 'slerp' && Math.sin(omega) > 1e-6) {
      wa = Math.sin((1 - t) * omega) / Math.sin(omega);
      wb = Math.sin(t * omega) / Math.sin(omega);
    }
    out.push(a.map((v, j) => wa * v + wb * b[j]!));
  }
  return out;
}

export interface GanInterpolationInput {
  config: GanConfig;
  model: ModelDocument;
  dataShape: Shape;
  checkpointDir: string;
  path: number[][];
  /**
   * Conditional runs: the classes of the two end cells. The one-hot label
   * moves from a's to b's along the path with the same t (a soft label in
   * between), so the ends are exactly the two samples.
   */
  endLabels?: readonly [number, number];
}

/** The generator, restored from the checkpoint, on each point of `path`: pixels in [0, 1], flat. */
export async function generateAlong(o: GanInterpolationInput): Promise<Float32Array> {
  const hyper = o.config.hyper;
  const nets = buildGan(o.model, o.dataShape, ganLatentDim(hyper), hyper.seed, ganBuildOptions(hyper));
  try {
    await loadCheckpoint(o.checkpointDir, [nets.generator, nets.discriminator]);
    const n = o.path.length;
    const labels = nets.conditioning === 'none' || !o.endLabels ? undefined : o.path.map((_, i) => {
      const t = n === 1 ? 0 : i / (n - 1);
      return Array.from({ length: nets.numClasses }, (_, k) => (k === o.endLabels![0] ? 1 - t : 0) + (k === o.endLabels![1] ? t : 0));
    });
    if (nets.conditioning !== 'none' && !labels) throw new Error('This GAN is conditional: the interpolation needs the classes of the two samples (the samples grid records them)');
    const raw = await generate(nets, o.path, labels);
    return toUnitPixels(raw);
  } finally {
    disposeGan(nets);
  }
}
