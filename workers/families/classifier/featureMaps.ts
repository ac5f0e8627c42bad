/**
 * The 'feature-maps' analysis for a classifier: the run's model restored
 * from a checkpoint, one test image through it, and the output of every
 * convolutional layer (after its activation) read off one multi-output
 * model. The document's shape is workers/common/families/classifier/featureMaps.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureMapLayer, FeatureMapsData } from '../../common/families/classifier/featureMaps';
import type { ConfigOf } from '../../common/families/registry';
import type { GraphDocument } from '../../common/graph';
import type { FeatureMapsInput } from '../../engine/analysis';
import { loadCheckpoint } from '../../engine/checkpoint';
import { requireGraph } from '../familyRun';
import { buildClassifier } from './model';

const round = (v: number): number => Number(v.toPrecision(4));

/** The label of the graph node a tf layer was compiled from (layer names are node ids), else the layer's name. */
function nodeLabel(graph: GraphDocument, name: string): string {
  return graph.nodes.find((n) => n.id === name)?.label ?? name;
}

/** What each conv layer of the run's model makes of test image `o.index`. */
export async function classifierFeatureMaps(o: FeatureMapsInput<ConfigOf<'classifier'>>): Promise<FeatureMapsData> {
  const graph = requireGraph(o.architecture, 'A classifier trains one graph, not a model of several parts');
  const { inputShape } = o.test;
  const cm = buildClassifier(graph, inputShape, o.classNames.length, 0);
  try {
    await loadCheckpoint(o.checkpoint.dir, cm.model);
    const convs = cm.model.layers.filter((l) => l.getClassName() === 'Conv2D');
    if (convs.length === 0) throw new Error(`'${graph.name}' has no convolutional layer, so it has no feature maps; its first layer's weights are on the Filters tab of the gallery`);
    const per = inputShape.reduce((a, b) => a * b, 1);
    const pixels = o.test.images.slice(o.index * per, (o.index + 1) * per);
    // A leaky ReLU is its own layer after the convolution (compileGraph): read the maps after it.
    const after = (l: tf.layers.Layer) => cm.model.layers.find((x) => x.name === `${l.name}_leaky`) ?? l;
    const convOutputs = convs.map((l) => after(l).output).filter((t): t is tf.SymbolicTensor => !Array.isArray(t));
    const probe = tf.model({ inputs: cm.model.inputs, outputs: [...convOutputs, cm.model.outputs[0]!] });
    const outs = tf.tidy(() => {
      const ys = probe.predict(tf.tensor(pixels, [1, ...inputShape]));
      const list = Array.isArray(ys) ? ys : [ys];
      const last = list.at(-1)!;
      return [...list.slice(0, -1), cm.probabilities ? last : tf.softmax(last)];
    });
    try {
      const values = await Promise.all(outs.map((t) => t.data()));
      const probs = Array.from(values.at(-1)!);
      const predicted = probs.indexOf(Math.max(...probs));
      const layers = convs.map((l, i): FeatureMapLayer => {
        const [, h = 1, w = 1, c = 1] = outs[i]!.shape;
        const maps = Array.from(values[i]!, round);
        return { id: l.name, label: nodeLabel(graph, l.name), height: h, width: w, channels: c, maps, min: Math.min(...maps), max: Math.max(...maps) };
      });
      const [h = 1, w = 1, c = 1] = inputShape;
      return {
        index: o.index, label: o.test.labels[o.index]!, predicted, confidence: round(probs[predicted]!), classNames: o.classNames,
        image: { height: h, width: w, channels: c, pixels: Array.from(pixels, round) }, epoch: o.checkpoint.epoch, layers,
      };
    } finally {
      tf.dispose(outs);
    }
  } finally {
    cm.model.dispose();
  }
}
