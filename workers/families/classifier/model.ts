/**
 * Classifier model and optimizer construction from a graph and hyperparameters.
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument, Shape } from '../../common/graph';
import type { ClassifierHyper } from '../../common/runConfig';
import { checkClassifierOutput, checkSingleInput, validateGraph } from '../../common/shapes';
import { compileGraph, outputsProbabilities } from '../../engine/compileGraph';

export interface ClassifierModel {
  model: tf.LayersModel;
  /** True if the model ends in softmax (else its outputs are logits). */
  probabilities: boolean;
}

/** Validate the graph against the dataset and compile it; throws with every problem listed. */
export function buildClassifier(graph: GraphDocument, inputShape: Shape, numClasses: number, seed: number): ClassifierModel {
  const { doc, report } = validateGraph(graph);
  const problems = [...report.errors];
  if (doc && report.ok) {
    const outErr = checkClassifierOutput(report, numClasses);
    if (outErr) problems.push(outErr);
    const inErr = checkSingleInput(report, 'A classifier');
    if (inErr) problems.push(inErr);
    const input = report.nodes.find((n) => n.kind === 'input');
    if (input && input.outputShape.join('x') !== inputShape.join('x')) {
      problems.push({
        code: 'shape-mismatch', nodeId: input.nodeId,
        message: `The input node takes [${input.outputShape.join(', ')}] but the dataset's examples are [${inputShape.join(', ')}]`,
        hint: `Set the input shape to [${inputShape.join(', ')}]`,
      });
    }
  }
  if (!doc || problems.length > 0) {
    throw new Error(`The architecture '${graph.name}' cannot train on this dataset:\n${problems.map((p) => `- ${p.message} (${p.hint})`).join('\n')}`);
  }
  return { model: compileGraph(doc, { seed }), probabilities: outputsProbabilities(doc) };
}

export function makeOptimizer(hyper: Pick<ClassifierHyper, 'optimizer' | 'learningRate' | 'momentum'>): tf.Optimizer {
  switch (hyper.optimizer) {
    case 'sgd': return tf.train.sgd(hyper.learningRate);
    case 'momentum': return tf.train.momentum(hyper.learningRate, hyper.momentum);
    case 'adam': return tf.train.adam(hyper.learningRate);
  }
}
