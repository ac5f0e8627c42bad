/** The classifier family (MLP, LeNet-5 and any drawn graph), described once. */
import { isModelDocument } from '../../graph';
import { checkClassifier, fmt } from '../../partContracts';
import { inferShapes } from '../../shapes';
import { dataArtifact, defineFamily, imageArtifact, type ContractContext } from '../descriptor';
import type { FeatureMapsMeta } from './featureMaps';
import type { ConfusionMatrixMeta } from './testReport';
import { classifierConfigSchema, classifierTemplateSchema, type ClassifierTemplate } from './config';
import { classifierTemplate } from './templates';
import { classifierCharts } from './charts';
import { classifierForm } from './form';


export const classifierFamily = defineFamily({
  id: 'classifier',
  label: 'classifier',
  title: 'Classifier',
  configSchema: classifierConfigSchema,
  network: {
    parts: null,
    templates: classifierTemplateSchema.options,
    editorTemplates: classifierTemplateSchema.options,
    hasLatent: false,
    contractChoices: [],
    defaultLatentDim: 20,
    contractFor: (_config, data) => ({ inputShape: [...data.inputShape], numClasses: data.numClasses, latentDim: 0, choices: {} }),
    template: (name, c) => classifierTemplate(name as ClassifierTemplate, [...c.inputShape], c.numClasses),
    check: (a, c) => (isModelDocument(a)
      ? [{ code: 'bad-output', message: `A classifier trains one graph, not a model of parts (${Object.keys(a.parts).join(', ') || 'none'})`, hint: 'Use a graph document (format "latent-graph")' }]
      : checkClassifier(inferShapes(a), { inputShape: [...c.inputShape], numClasses: c.numClasses })),
    contractLines: (c) => ({ model: `maps one example ${fmt(c.inputShape)} to ${c.numClasses} class probabilities [${c.numClasses}] (end with a softmax dense layer)` }),
    inferContract: (parts, base) => {
      const c: ContractContext = { ...base, inputShape: [...base.inputShape] };
      const r = parts['model'] ? inferShapes(parts['model']) : undefined;
      const input = r?.inputs[0];
      if (input) c.inputShape = [...input.shape];
      if (r?.outputShape?.length === 1) c.numClasses = r.outputShape[0]!;
      return c;
    },
  },
  form: classifierForm,
  charts: classifierCharts,
  validation: { key: 'val_accuracy', mode: 'max', selects: ['test_accuracy', 'test_loss'] },
  headline: [
    { key: 'test_accuracy', mode: 'max', label: 'test acc', format: 'percent' },
    { key: 'val_accuracy', mode: 'max', label: 'val acc', format: 'percent' },
    { key: 'accuracy', mode: 'max', label: 'train acc', format: 'percent' },
  ],
  metrics: [
    { key: 'loss', x: 'step', mode: 'min', description: 'cross-entropy of the batch' },
    { key: 'accuracy', x: 'epoch', mode: 'max', format: 'percent', description: 'training accuracy, running mean over the epoch' },
    { key: 'epoch_loss', x: 'epoch', mode: 'min', description: 'mean training loss over the epoch' },
    { key: 'val_loss', x: 'epoch', mode: 'min', description: 'loss on the validation split' },
    { key: 'val_accuracy', x: 'epoch', mode: 'max', format: 'percent', description: 'accuracy on the validation split' },
    { key: 'test_loss', x: 'epoch', mode: 'min', description: 'loss on the test subset' },
    { key: 'test_accuracy', x: 'epoch', mode: 'max', format: 'percent', description: 'accuracy on the test subset' },
  ],
  // Flag a finished run whose epoch loss blew up or whose held-out accuracy is at chance.
  divergence: { loss: 'epoch_loss', accuracy: ['test_accuracy', 'val_accuracy', 'accuracy'] },
  artifacts: [
    dataArtifact<ConfusionMatrixMeta>()('confusion-matrix', 'Confusion matrix'),
    imageArtifact('misclassified', 'Misclassified test images'),
    imageArtifact('filters', 'Filters'),
    dataArtifact<FeatureMapsMeta>()('feature-maps', 'Feature maps'),
  ],
  analyses: ['feature-maps'],
});
