/**
 * Stacked autoencoder: greedy layer-wise pre-training (Bengio et al. 2007;
 * Hinton & Salakhutdinov 2006 with RBMs instead). Encoder dense layer k and
 * its mirror decoder layer are trained as a shallow autoencoder on the codes
 * of encoder layers 1..k−1 (the pixels for k = 1), for pretrainEpochs each;
 * the caller then fine-tunes the whole network end to end.
 *
 * Only dense chains pair up this way: an encoder input → (flatten|reshape)* →
 * dense × K and a decoder input → dense × K → (reshape|flatten)*, whose layer
 * sizes mirror each other (the mlp and deep templates).
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument, ModelDocument } from '../../common/graph';
import type { AutoencoderHyper } from '../../common/runConfig';
import { analyzeGraph } from '../../common/shapes';
import { deriveSeed, permutation } from '../../engine/prng';
import type { FamilySink } from '../../engine/sink';
import { trainLoop } from '../../engine/trainLoop';
import { makeOptimizer } from '../../engine/optimizer';
import { imageBatch } from './data';
import { reconstructionLoss, sumSquaredError } from './losses';
import type { Autoencoder } from './model';

export interface LayerPair {
  /** Encoder dense layer id. */
  encoder: string;
  /** The decoder dense layer that inverts it. */
  decoder: string;
  /** Sizes: the pair maps inUnits → outUnits → inUnits. */
  inUnits: number;
  outUnits: number;
}

const RESHAPES = new Set(['flatten', 'reshape']);

function denseLayers(doc: GraphDocument, part: 'encoder' | 'decoder'): { id: string; units: number }[] {
  const { order } = analyzeGraph(doc);
  const layers = order.filter((n) => n.kind !== 'input');
  const dense = layers.filter((n) => n.kind === 'dense');
  const first = layers.findIndex((n) => n.kind === 'dense');
  const last = layers.length - 1 - [...layers].reverse().findIndex((n) => n.kind === 'dense');
  const bad = layers.find((n, i) => {
    if (n.kind === 'dense') return false;
    if (!RESHAPES.has(n.kind)) return true;
    // Reshapes only before the first dense layer (encoder) or after the last (decoder).
    return part === 'encoder' ? i > first : i < last;
  });
  if (dense.length === 0 || bad) {
    const what = bad ? `${part} layer '${bad.id}' is a ${bad.kind}` : `the ${part} has no dense layer`;
    throw new Error(`Stacked (greedy layer-wise) pre-training needs an encoder and decoder that are chains of dense layers (like the mlp and deep templates), but ${what}. Use variant 'plain', or a dense model.`);
  }
  return dense.map((n) => ({ id: n.id, units: n.kind === 'dense' ? n.params.units : 0 }));
}

/** Pair encoder layer k with decoder layer K+1−k; throws a clear error if the model is not a mirrored dense chain. */
export function stackedLayerPairs(model: ModelDocument, inputUnits: number): LayerPair[] {
  const enc = denseLayers(model.parts['encoder']!, 'encoder');
  const dec = denseLayers(model.parts['decoder']!, 'decoder');
  if (enc.length !== dec.length) {
    throw new Error(`Stacked pre-training pairs each encoder dense layer with a decoder one, but the encoder has ${enc.length} and the decoder ${dec.length}`);
  }
  const K = enc.length;
  return enc.map((e, k) => {
    const d = dec[K - 1 - k]!;
    const inUnits = k === 0 ? inputUnits : enc[k - 1]!.units;
    if (d.units !== inUnits) {
      throw new Error(`Stacked pre-training: encoder layer '${e.id}' (${inUnits} → ${e.units}) should be mirrored by decoder layer '${d.id}', which outputs ${d.units} units instead of ${inUnits}`);
    }
    return { encoder: e.id, decoder: d.id, inUnits, outUnits: e.units };
  });
}

export interface PretrainOptions {
  ae: Autoencoder;
  pairs: readonly LayerPair[];
  hyper: AutoencoderHyper;
  images: Float32Array;
  inputShape: number[];
  /** Training indices. */
  train: Int32Array;
  batchSize: number;
  sink: FamilySink<'autoencoder'>;
  isCancelled: () => boolean;
  /** Progress: steps of the whole run (pre-training included). */
  totalSteps: number;
}

export interface PretrainResult {
  status: 'completed' | 'cancelled';
  /** Global steps used by pre-training. */
  steps: number;
}

function layerOf(model: tf.LayersModel, id: string): tf.layers.Layer {
  return model.getLayer(id);
}

/**
 * Train each pair as a shallow autoencoder, in order. The first pair
 * reconstructs pixels with the run's loss; deeper pairs reconstruct the codes
 * below them with squared error. Logs `pretrain_loss/layerK` (mean over the
 * pre-training epoch, step = that epoch).
 */
export async function pretrainStacked(o: PretrainOptions): Promise<PretrainResult> {
  const { ae, hyper, sink } = o;
  const n = o.train.length;
  const stepsPerEpoch = Math.ceil(n / o.batchSize);
  let step = 0;
  for (let k = 0; k < o.pairs.length; k++) {
    const pair = o.pairs[k]!;
    const below = o.pairs.slice(0, k).map((p) => layerOf(ae.encoder, p.encoder));
    const enc = layerOf(ae.encoder, pair.encoder);
    const dec = layerOf(ae.decoder, pair.decoder);
    const vars = [...enc.trainableWeights, ...dec.trainableWeights].map((w) => w.read() as tf.Variable);
    const optimizer = makeOptimizer(hyper);
    const key = `pretrain_loss/layer${k + 1}` as const;
    let order = o.train;
    let lossSum = 0;
    let seen = 0;
    try {
      const r = await trainLoop({
        epochs: hyper.pretrainEpochs,
        stepsPerEpoch,
        startStep: step,
        learningRate: hyper.learningRate,
        isCancelled: o.isCancelled,
        onEpochStart: (epoch) => {
          const perm = permutation(n, deriveSeed(hyper.seed, k + 1, epoch, 0x57ac));
          order = perm.map((i) => o.train[i]!);
          lossSum = 0;
          seen = 0;
        },
        runBatch: async ({ batchIndex }) => {
          const start = batchIndex * o.batchSize;
          const end = Math.min(start + o.batchSize, n);
          const x = imageBatch(o.images, o.inputShape, order, start, end);
          const codes = tf.tidy(() => below.reduce<tf.Tensor>((h, layer) => layer.apply(h) as tf.Tensor, tf.reshape(x, [end - start, -1])));
          try {
            const lossT = optimizer.minimize(() => {
              const out = dec.apply(enc.apply(codes)) as tf.Tensor;
              return k === 0 ? reconstructionLoss(hyper.loss, codes, out) : (tf.mean(sumSquaredError(codes, out)) as tf.Scalar);
            }, true, vars);
            const loss = (await lossT!.data())[0]!;
            lossT!.dispose();
            lossSum += loss * (end - start);
            seen += end - start;
            return { loss };
          } finally {
            tf.dispose([x, codes]);
          }
        },
        onBatchEnd: ({ step: s }) => sink.progress({ epoch: 0, epochs: hyper.epochs, step: s, totalSteps: o.totalSteps }),
        onEpochEnd: (epoch) => {
          sink.metric(key, epoch, lossSum / seen);
          sink.log('info', `Pre-training layer ${k + 1}/${o.pairs.length} (${pair.inUnits} → ${pair.outUnits} → ${pair.inUnits}), epoch ${epoch}/${hyper.pretrainEpochs}: loss ${(lossSum / seen).toFixed(4)}`);
        },
      });
      step = r.step;
      if (r.status === 'cancelled') return { status: 'cancelled', steps: step };
    } finally {
      optimizer.dispose();
    }
  }
  return { status: 'completed', steps: step };
}
