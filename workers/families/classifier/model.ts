/**
 * Classifier model construction from a graph.
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument, Shape } from '../../common/graph';
import { validateGraph } from '../../common/shapes';
import { checkClassifier } from '../../common/partContracts';
import { compileGraph, outputsProbabilities } from '../../engine/compileGraph';

export interface ClassifierModel {
  model: tf.LayersModel;
  /** True if the model ends in softmax (else its outputs are logits). */
  probabilities: boolean;
}

/** Validate the graph against the dataset and compile it; throws with every problem listed. */
export function buildClassifier(graph: GraphDocument, inputShape: Shape, numClasses: number, seed: number): ClassifierModel {
  const { doc, report } = validateGraph(graph);
  const problems = doc ? checkClassifier(report, { inputShape, numClasses }) : report.errors;
  if (!doc || problems.length > 0) {
    throw new Error(`The architecture '${graph.name}' cannot train on this dataset:\n${problems.map((p) => `- ${p.message} (${p.hint})`).join('\n')}`);
  }
  return { model: compileGraph(doc, { seed }), probabilities: outputsProbabilities(doc) };
}
