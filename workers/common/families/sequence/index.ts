/** The sequence family (RNN/LSTM/GRU language models and classifiers, seq2seq with attention, a causal transformer), described once. */
import { isModelDocument } from '../../graph';
import { inferShapes } from '../../shapes';
import { sequenceTaskInfo } from '../../sequence/tasks';
import { dataArtifact, defineFamily, type ContractContext } from '../descriptor';
import type { AttentionMeta, GradientThroughTimeMeta, TextSamplesMeta } from './artifacts';
import { sequenceCharts } from './charts';
import { checkSequenceGraph, contractDecoderLength, contractObjective, contractVocabulary, sequenceContractLines } from './contract';
import { objectiveOf, sequenceConfigSchema, sequenceObjectives, sequenceTemplateSchema, templateObjectives, type SequenceConfig, type SequenceTemplate } from './config';
import { sequenceForm } from './form';
import { sequencePresets } from './presets';
import { sequenceTemplate } from './templates';

/** The contract of a run: the task's lengths and vocabulary, or the corpus's vocabulary (data.numClasses, told by the corpus) and window. */
export function sequenceContract(config: SequenceConfig, vocabularySize: number): ContractContext {
  const d = config.data;
  if (d.source === 'text') return { inputShape: [d.sequenceLength], numClasses: vocabularySize, latentDim: 0, choices: { objective: 'lm', decoderLength: '1', vocabulary: String(vocabularySize) } };
  const info = sequenceTaskInfo(d.task);
  const vocabulary = String(info.vocab.tokens.length);
  if (info.kind === 'classification') return { inputShape: [info.maxInputLength], numClasses: info.classes!.length, latentDim: 0, choices: { objective: 'classification', decoderLength: '1', vocabulary } };
  return { inputShape: [info.maxInputLength], numClasses: info.vocab.tokens.length, latentDim: 0, choices: { objective: 'seq2seq', decoderLength: String(info.maxTargetLength + 1), vocabulary } };
}

/** The built-in corpus's character vocabulary (60 characters and the 4 reserved tokens): the editor's language-model default. */
const DEFAULT_CORPUS_VOCABULARY = 64;

/** The editor's contract for an objective: the built-in corpus (windows of 64), parity of length 10, or the date task. */
export function defaultSequenceContract(choices: Readonly<Record<string, string>>): ContractContext {
  const objective = choices['objective'];
  if (objective === 'classification') return sequenceContract(sequenceConfigSchema.parse({ family: 'sequence', data: { source: 'task', task: { task: 'parity', length: 10 } } }), 0);
  if (objective === 'seq2seq') return sequenceContract(sequenceConfigSchema.parse({ family: 'sequence', data: { source: 'task', task: { task: 'date' } } }), 0);
  return sequenceContract(sequenceConfigSchema.parse({ family: 'sequence' }), DEFAULT_CORPUS_VOCABULARY);
}

export const sequenceFamily = defineFamily({
  id: 'sequence',
  label: 'sequence model (RNN, LSTM, GRU, seq2seq, transformer)',
  title: 'Sequence model',
  configSchema: sequenceConfigSchema,
  network: {
    parts: null,
    templates: sequenceTemplateSchema.options,
    editorTemplates: sequenceTemplateSchema.options,
    hasLatent: false,
    contractChoices: [{
      key: 'objective', label: 'objective', default: 'lm',
      options: sequenceObjectives.map((o) => ({ value: o, label: { lm: 'language model', classification: 'classification', seq2seq: 'seq2seq' }[o] })),
    }],
    defaultLatentDim: 0,
    defaultContract: defaultSequenceContract,
    // A text run's vocabulary size comes from its corpus (the services pass it as numClasses); a task's from the task.
    contractFor: (config, data) => sequenceContract(config, data.numClasses),
    template: (name, c, config) => {
      const t = name as SequenceTemplate;
      const objective = contractObjective(c);
      if (!templateObjectives[t].includes(objective)) throw new Error(`The template '${t}' is for ${templateObjectives[t].join(' or ')}, but this run's data asks for ${objective} (templates for it: ${sequenceTemplateSchema.options.filter((o) => templateObjectives[o].includes(objective)).join(', ')})`);
      return sequenceTemplate(t, { inputLength: c.inputShape[0] ?? 1, vocabularySize: contractVocabulary(c), classes: c.numClasses, decoderLength: contractDecoderLength(c) }, config?.hyper);
    },
    check: (a, c) => (isModelDocument(a)
      ? [{ code: 'bad-output', message: `A sequence model trains one graph, not a model of parts (${Object.keys(a.parts).join(', ') || 'none'})`, hint: 'Use a graph document (format "latent-graph")' }]
      : checkSequenceGraph(inferShapes(a), c, a)),
    contractLines: sequenceContractLines,
    inferContract: (parts, base) => {
      const choices: Record<string, string> = { ...base.choices };
      const c: ContractContext = { ...base, inputShape: [...base.inputShape], choices };
      const doc = parts['model'];
      const r = doc ? inferShapes(doc) : undefined;
      if (!r) return c;
      const source = r.inputs.find((i) => i.name === 'source');
      const target = r.inputs.find((i) => i.name === 'target');
      const x = r.inputs.find((i) => i.name === 'x');
      if (source && target) {
        choices['objective'] = 'seq2seq';
        c.inputShape = [...source.shape];
        choices['decoderLength'] = String(target.shape[0] ?? 1);
      } else if (x) {
        c.inputShape = [...x.shape];
        choices['objective'] = r.outputShape?.length === 1 ? 'classification' : 'lm';
        choices['decoderLength'] = '1';
      }
      const out = r.outputShape;
      if (out && out.length >= 1) c.numClasses = out[out.length - 1]!;
      const reader = doc!.nodes.find((n) => n.kind === 'embedding' || n.kind === 'oneHot');
      const size = reader ? Number(reader.params['inputDim'] ?? reader.params['depth']) : NaN;
      if (Number.isInteger(size) && size > 0) choices['vocabulary'] = String(size);
      return c;
    },
  },
  recordName: (config) => `sequence ${objectiveOf(config.data)}`,
  dataOverride: (config) => (config.data.source === 'text'
    ? `the text corpus '${config.data.corpus}' (${config.data.level} level)`
    : `the synthetic ${config.data.task.task} task`),
  corpusOf: (config) => {
    const d = config.data;
    if (d.source !== 'text') return undefined;
    return { id: d.corpus, level: d.level, vocabularyCap: d.vocabularyCap, sequenceLength: d.sequenceLength, ...(d.maxCharacters !== undefined ? { maxCharacters: d.maxCharacters } : {}) };
  },
  form: sequenceForm,
  charts: sequenceCharts,
  validation: { key: 'val_loss', mode: 'min', selects: ['test_loss', 'test_accuracy', 'test_token_accuracy', 'test_sequence_accuracy', 'test_perplexity'] },
  headline: [
    { key: 'test_accuracy', mode: 'max', label: 'test acc', format: 'percent' },
    { key: 'test_sequence_accuracy', mode: 'max', label: 'test seq acc', format: 'percent' },
    { key: 'val_bits_per_char', mode: 'min', label: 'val bits/char', format: 'number', unit: 'bits/char' },
    { key: 'val_loss', mode: 'min', label: 'val loss', format: 'number', unit: 'nats/token' },
  ],
  metrics: [
    { key: 'loss', x: 'step', mode: 'min', description: 'cross-entropy of the batch, nats per target token' },
    { key: 'grad_norm', x: 'step', description: 'global norm of all gradients before clipping' },
    { key: 'grad_norm_clipped', x: 'step', description: 'global norm of the gradients applied, after clipping (at most the threshold when clipping by global norm)' },
    { key: 'epoch_loss', x: 'epoch', mode: 'min', description: 'mean training loss over the epoch, nats per token' },
    { key: 'epoch_bits_per_char', x: 'epoch', mode: 'min', description: 'language model: training bits per character over the epoch' },
    { key: 'accuracy', x: 'epoch', mode: 'max', format: 'percent', description: 'classification: training accuracy over the epoch' },
    { key: 'val_loss', x: 'epoch', mode: 'min', description: 'validation cross-entropy, nats per target token' },
    { key: 'val_bits_per_char', x: 'epoch', mode: 'min', description: 'language model: validation bits per character' },
    { key: 'val_perplexity', x: 'epoch', mode: 'min', description: 'language model: validation perplexity per token, exp(val_loss)' },
    { key: 'val_token_accuracy', x: 'epoch', mode: 'max', format: 'percent', description: 'next-token (LM) or decoded-token (seq2seq) accuracy on validation' },
    { key: 'val_sequence_accuracy', x: 'epoch', mode: 'max', format: 'percent', description: 'seq2seq: decoded sequences entirely right, validation' },
    { key: 'val_accuracy', x: 'epoch', mode: 'max', format: 'percent', description: 'classification: validation accuracy' },
    { key: 'test_loss', x: 'epoch', mode: 'min', description: 'test cross-entropy, nats per target token (tasks)' },
    { key: 'test_perplexity', x: 'epoch', mode: 'min', description: 'test perplexity per token' },
    { key: 'test_token_accuracy', x: 'epoch', mode: 'max', format: 'percent', description: 'seq2seq: decoded-token accuracy on the test set' },
    { key: 'test_sequence_accuracy', x: 'epoch', mode: 'max', format: 'percent', description: 'seq2seq: decoded sequences entirely right, test set' },
    { key: 'test_accuracy', x: 'epoch', mode: 'max', format: 'percent', description: 'classification: test accuracy' },
    { key: 'grad_first_to_last', x: 'step', description: '‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of the first recurrent layer at each logged step (vanishing: ≪ 1)', detail: true },
  ],
  presets: sequencePresets,
  artifacts: [
    dataArtifact<TextSamplesMeta>()('text-samples', 'Generated text'),
    dataArtifact<GradientThroughTimeMeta>()('gradient-through-time', 'Gradient through time'),
    dataArtifact<AttentionMeta>()('attention', 'Attention maps'),
  ],
  analyses: [],
});

export { objectiveOf };
