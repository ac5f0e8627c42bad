/**
 * The classifier's 'filters' grid: the first weighted layer's filters as
 * small images, each scaled to its own range (what a unit of the first layer
 * looks for). A convolution's kernels are kh × kw (grey for one input
 * channel, colour for three, the channels' mean otherwise); a dense first
 * layer (an MLP, after a flatten) shows each unit's weights reshaped to the
 * input image. Written at each epoch end, so the gallery's slider shows them
 * form.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Shape } from '../../common/graph';
import { stepArtifactPath } from '../../engine/galleryFiles';
import { writeImageGrid } from '../../engine/imageGrid';
import type { FamilySink } from '../../engine/sink';

export const MAX_FILTERS = 64;

/** The first layer's filters as images: pixels in [0, 1], flat, `count` images of height × width × channels. */
export interface FilterImages {
  pixels: Float32Array;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** The layer, in words ("conv1: 6 kernels 5×5 over 1 channel"). */
  describe: string;
}

/** Scale each run of `size` values to [0, 1] by its own min and max (in place). */
function scaleEach(pixels: Float32Array, size: number, count: number): void {
  for (let f = 0; f < count; f++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = f * size; i < (f + 1) * size; i++) { lo = Math.min(lo, pixels[i]!); hi = Math.max(hi, pixels[i]!); }
    const span = hi - lo || 1;
    for (let i = f * size; i < (f + 1) * size; i++) pixels[i] = (pixels[i]! - lo) / span;
  }
}

/** A conv kernel [kh, kw, inC, outC] as `outC` images (first MAX_FILTERS). */
export function convKernelImages(kernel: Float32Array, [kh, kw, inC, outC]: readonly [number, number, number, number]): Omit<FilterImages, 'describe'> {
  const count = Math.min(outC, MAX_FILTERS);
  const channels = inC === 3 ? 3 : 1;
  const size = kh * kw * channels;
  const pixels = new Float32Array(count * size);
  for (let f = 0; f < count; f++) {
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        const at = ((y * kw + x) * inC) * outC + f;
        if (channels === 3) {
          for (let c = 0; c < 3; c++) pixels[f * size + (y * kw + x) * 3 + c] = kernel[at + c * outC]!;
        } else {
          let s = 0;
          for (let c = 0; c < inC; c++) s += kernel[at + c * outC]!;
          pixels[f * size + y * kw + x] = s / inC;
        }
      }
    }
  }
  scaleEach(pixels, size, count);
  return { pixels, count, height: kh, width: kw, channels };
}

/** A dense kernel [in, units] whose input is the flattened image: each unit's weights as an image (first MAX_FILTERS). */
export function denseKernelImages(kernel: Float32Array, units: number, inputShape: Shape): Omit<FilterImages, 'describe'> {
  const [h = 1, w = 1, c = 1] = inputShape.length === 1 ? [1, inputShape[0]!, 1] : inputShape;
  const size = h * w * c;
  const count = Math.min(units, MAX_FILTERS);
  const pixels = new Float32Array(count * size);
  for (let u = 0; u < count; u++) for (let i = 0; i < size; i++) pixels[u * size + i] = kernel[i * units + u]!;
  scaleEach(pixels, size, count);
  return { pixels, count, height: h, width: w, channels: c === 3 ? 3 : 1 };
}

/** The first Conv2D or Dense layer's filters, or null when the model has neither (or a dense layer not on the image). */
export async function firstLayerFilters(model: tf.LayersModel, inputShape: Shape): Promise<FilterImages | null> {
  const layer = model.layers.find((l) => l.getClassName() === 'Conv2D' || l.getClassName() === 'Dense');
  const kernel = layer?.getWeights()[0];
  if (!layer || !kernel) return null;
  const values = await kernel.data() as Float32Array;
  if (kernel.shape.length === 4) {
    const [kh, kw, inC, outC] = kernel.shape as [number, number, number, number];
    return { ...convKernelImages(values, [kh, kw, inC, outC]), describe: `${layer.name}: ${outC} kernels ${kh}×${kw} over ${inC} channel${inC === 1 ? '' : 's'}` };
  }
  const [inputs, units] = kernel.shape as [number, number];
  if (inputs !== inputShape.reduce((a, b) => a * b, 1)) return null;
  return { ...denseKernelImages(values, units, inputShape), describe: `${layer.name}: the weights of ${units} units, each as an image of the input` };
}

/** Write the 'filters' grid for the model as it is at `step`; nothing when the first layer is not on the image. */
export async function writeFilters(runDir: string, sink: FamilySink<'classifier'>, model: tf.LayersModel, inputShape: Shape, step: number, epoch: number): Promise<void> {
  const f = await firstLayerFilters(model, inputShape);
  if (!f) return;
  const cols = Math.ceil(Math.sqrt(f.count));
  const rows = Math.ceil(f.count / cols);
  // Kernels are a few pixels wide: draw them larger so the gallery shows them.
  const scale = Math.max(1, Math.floor(28 / Math.max(f.height, f.width)));
  const file = stepArtifactPath(runDir, 'filters', step, 'png');
  const meta = await writeImageGrid(file, { pixels: f.pixels, count: f.count, height: f.height, width: f.width, channels: f.channels }, { rows, cols, scale }, {
    epoch, caption: `First layer (${f.describe}${f.count < MAX_FILTERS ? '' : `, first ${MAX_FILTERS}`}), each scaled to its own range`,
  });
  sink.sample('filters', step, file, { ...meta });
}
