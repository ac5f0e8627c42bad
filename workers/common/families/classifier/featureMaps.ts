/**
 * The 'feature-maps' analysis's document: what each convolutional layer of a
 * classifier makes of one test image (the lecture's "what a CNN sees"). Each
 * layer's maps are its output after the activation, rounded to 4 significant
 * digits, channel-last as tfjs gives them; the renderer draws each channel
 * as a small grey image scaled to the layer's own range.
 */

/** One convolutional layer's output for the image. */
export interface FeatureMapLayer {
  /** The graph node's id and label ('conv1', 'Conv 6@5×5 same'). */
  id: string;
  label: string;
  height: number;
  width: number;
  channels: number;
  /** height × width × channels values, channel last (value of channel c at (y, x) is maps[(y·width + x)·channels + c]). */
  maps: number[];
  /** The smallest and largest value over the layer (the drawing's scale). */
  min: number;
  max: number;
}

/** The JSON document of a 'feature-maps' artifact. */
export interface FeatureMapsData {
  /** Test-split index of the image, its label and the model's prediction with its probability. */
  index: number;
  label: number;
  predicted: number;
  confidence: number;
  classNames: string[];
  /** The image itself, height × width × channels in [0, 1]. */
  image: { height: number; width: number; channels: number; pixels: number[] };
  /** The epoch of the checkpoint whose model was read. */
  epoch: number;
  layers: FeatureMapLayer[];
}

/** The meta recorded with a 'feature-maps' artifact. */
export interface FeatureMapsMeta {
  index: number;
  label: number;
  predicted: number;
  layers: number;
}

/** Value of channel `c` at (y, x) of a layer's maps. */
export function mapValue(layer: Pick<FeatureMapLayer, 'maps' | 'width' | 'channels'>, c: number, y: number, x: number): number {
  return layer.maps[(y * layer.width + x) * layer.channels + c]!;
}

/** One channel of a layer as grey levels in [0, 1], scaled to the layer's range (row-major, height × width). */
export function channelGrey(layer: FeatureMapLayer, c: number): Float32Array {
  const out = new Float32Array(layer.height * layer.width);
  const span = layer.max - layer.min || 1;
  for (let y = 0; y < layer.height; y++) {
    for (let x = 0; x < layer.width; x++) out[y * layer.width + x] = (mapValue(layer, c, y, x) - layer.min) / span;
  }
  return out;
}
