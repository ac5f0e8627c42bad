/**
 * A trained GAN's generator along a path between two noise vectors (the
 * fixed noise of two cells of the samples grid, the same noise at every
 * logged step; see engine/latentPath.ts), restored from a checkpoint: what
 * the GAN lends the latent-interpolation analysis (engine/analysis.ts).
 */
import { ganLatentDim, type GanConfig } from '../../common/families/gan/config';
import type { GenerateAlongInput } from '../../engine/analysis';
import { loadCheckpoint } from '../../engine/checkpoint';
import { requireModel } from '../familyRun';
import { buildGan, disposeGan, ganBuildOptions } from './model';
import { generate, toUnitPixels } from './galleries';

/** The generator, restored from the checkpoint, on each point of `path`: pixels in [0, 1], flat. */
export async function generateAlong(o: GenerateAlongInput<GanConfig>): Promise<Float32Array> {
  const hyper = o.config.hyper;
  const model = requireModel(o.architecture, 'A GAN run has a generator and a discriminator, but its architecture is a single graph');
  const nets = buildGan(model, o.dataShape, ganLatentDim(hyper), hyper.seed, ganBuildOptions(hyper));
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
