/**
 * The autoencoder's gallery artifacts: the reconstructions of a fixed set of
 * test images (first of each class; for denoising with a fixed corruption),
 * and the code-space scatter at the end of training.
 */
import * as tf from '@tensorflow/tfjs';
import type { LatentScatterData } from '../../common/gallery';
import type { Shape } from '../../common/graph';
import type { FamilySink } from '../../engine/sink';
import { fitPca, projectPca } from '../pca/fit';
import { corrupt, type NoiseSpec } from './data';
import { encodeImages } from './evaluate';
import { firstTwo, galleryIndices, gather, imageGeometry, writeLatentScatter, writeReconstructionGrid, type GridRow, type ImageGeometry } from './gallery';
import type { Autoencoder } from './model';
import { reconstruct } from './step';

export interface GalleryData {
  testImages: Float32Array;
  testLabels: Int32Array;
  inputShape: Shape;
  numClasses: number;
}

/** The fixed gallery images of a run: the same test images (and the same noise) at every step. */
export class ReconstructionGallery {
  readonly indices: number[];
  readonly labels: number[];
  private readonly inputs: Float32Array;

  constructor(
    private readonly data: GalleryData,
    private readonly geometry: ImageGeometry,
    private readonly noise: (NoiseSpec & { seed: number }) | undefined,
  ) {
    this.indices = galleryIndices(data.testLabels, data.numClasses);
    this.labels = this.indices.map((i) => data.testLabels[i]!);
    const per = data.inputShape.reduce((a, b) => a * b, 1);
    this.inputs = gather(data.testImages, per, this.indices);
  }

  /** Undefined when the examples are not drawable as images. */
  static create(data: GalleryData, noise: (NoiseSpec & { seed: number }) | undefined): ReconstructionGallery | undefined {
    const geometry = imageGeometry(data.inputShape);
    return geometry ? new ReconstructionGallery(data, geometry, noise) : undefined;
  }

  /** Write the grid for the model as it is now and report it to the sink. */
  async log(ae: Autoencoder, runDir: string, step: number, epoch: number, sink: FamilySink<'autoencoder'>): Promise<void> {
    const count = this.indices.length;
    if (count === 0) return;
    const x = tf.tensor(this.inputs, [count, ...this.data.inputShape]);
    const [noisy, recon] = tf.tidy(() => {
      const input = this.noise ? corrupt(x, this.noise, this.noise.seed) : x;
      return [this.noise ? input : undefined, reconstruct(ae, input, false)];
    });
    const rows: GridRow[] = [{ label: 'input', pixels: this.inputs }];
    if (noisy) rows.push({ label: 'noisy', pixels: new Float32Array(await noisy.data()) });
    rows.push({ label: 'reconstruction', pixels: new Float32Array(await recon!.data()) });
    tf.dispose([x, noisy, recon]);
    const { path, meta } = await writeReconstructionGrid({
      runDir, step, epoch, geometry: this.geometry, rows, testIndices: this.indices, labels: this.labels,
    });
    sink.sample('reconstructions', step, path, meta);
  }
}

/** Points of the end-of-training latent scatter. */
export const SCATTER_COUNT = 2000;

/** Encode up to 2000 test images; 2-D codes as they are, larger ones projected on their first two principal components. */
export async function latentScatter(ae: Autoencoder, data: GalleryData, latentDim: number): Promise<LatentScatterData> {
  const count = Math.min(SCATTER_COUNT, data.testLabels.length);
  const codes = await encodeImages(ae, data.testImages, data.inputShape, count);
  const base = { latentDim, labels: Array.from(data.testLabels.subarray(0, count)), testIndices: Array.from({ length: count }, (_, i) => i) };
  if (latentDim <= 2 || count < 3) return { method: 'identity', points: firstTwo(codes, count, latentDim), ...base };
  const pca = await fitPca(codes, count, latentDim, 2);
  return { method: 'pca', points: firstTwo(await projectPca(pca, codes, count), count, 2), ...base };
}

export async function logLatentScatter(ae: Autoencoder, data: GalleryData, latentDim: number, runDir: string, step: number, sink: FamilySink<'autoencoder'>): Promise<void> {
  const scatter = await latentScatter(ae, data, latentDim);
  const path = await writeLatentScatter(runDir, step, scatter);
  sink.sample('latent-scatter', step, path, { method: scatter.method, latentDim, count: scatter.points.length });
}
