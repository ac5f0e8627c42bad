/**
 * Default classifier architectures, as graph documents the editor opens and
 * the worker compiles. Pure.
 */
import { type GraphDocument, type Shape } from '../../graph';
import { chain } from '../../graphChain';
import type { ClassifierTemplate } from './config';



const mlp = chain('MLP 784-128-10', [
  { id: 'input', kind: 'input', label: 'Input 28×28×1', params: { shape: [28, 28, 1] } },
  { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
  { id: 'hidden', kind: 'dense', label: 'Dense 128 ReLU', params: { units: 128, activation: 'relu' } },
  { id: 'dropout', kind: 'dropout', label: 'Dropout 0.2', params: { rate: 0.2 } },
  { id: 'output', kind: 'dense', label: 'Dense 10 softmax', params: { units: 10, activation: 'softmax' } },
]);

const lenet = chain('LeNet-5', [
  { id: 'input', kind: 'input', label: 'Input 28×28×1', params: { shape: [28, 28, 1] } },
  { id: 'conv1', kind: 'conv2d', label: 'Conv 6@5×5 same', params: { filters: 6, kernelSize: 5, strides: 1, padding: 'same', activation: 'relu' } },
  { id: 'pool1', kind: 'maxPool2d', label: 'Max pool 2×2', params: { poolSize: 2 } },
  { id: 'conv2', kind: 'conv2d', label: 'Conv 16@5×5 valid', params: { filters: 16, kernelSize: 5, strides: 1, padding: 'valid', activation: 'relu' } },
  { id: 'pool2', kind: 'maxPool2d', label: 'Max pool 2×2', params: { poolSize: 2 } },
  { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
  { id: 'fc1', kind: 'dense', label: 'Dense 120 ReLU', params: { units: 120, activation: 'relu' } },
  { id: 'fc2', kind: 'dense', label: 'Dense 84 ReLU', params: { units: 84, activation: 'relu' } },
  { id: 'output', kind: 'dense', label: 'Dense 10 softmax', params: { units: 10, activation: 'softmax' } },
]);

export const classifierTemplates: Readonly<Record<ClassifierTemplate, GraphDocument>> = { mlp, lenet };

/**
 * A copy of a template adapted to a dataset: the input node takes `inputShape`
 * and the output dense layer gets `numClasses` units.
 */
export function classifierTemplate(name: ClassifierTemplate, inputShape: Shape, numClasses: number): GraphDocument {
  const doc = structuredClone(classifierTemplates[name]);
  for (const node of doc.nodes) {
    if (node.kind === 'input') {
      node.params = { ...node.params, shape: [...inputShape] };
      node.label = `Input ${inputShape.join('×')}`;
    }
    if (node.id === 'output') {
      node.params = { ...node.params, units: numClasses };
      node.label = `Dense ${numClasses} softmax`;
    }
  }
  return doc;
}
