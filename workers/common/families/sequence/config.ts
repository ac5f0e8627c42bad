/**
 * The sequence family's run configuration (issue 12): what it trains on (a
 * text corpus, or a seeded synthetic task), the objective that follows (a
 * language model on text; classification or seq2seq by the task), the
 * template's knobs (cell, units, layers, …: used when the architecture is a
 * template, ignored for a drawn graph), the optimiser with gradient
 * clipping, and how text is sampled and sequences decoded.
 */
import { z } from 'zod';
import { graphArchitectureSchema, optimizerSchema, learningRateSchema, runConfigCommonShape, sampleEveryStepsSchema, seedSchema } from '../../runConfigBase';
import { sequenceTaskSpecSchema, type SequenceTaskSpec } from '../../sequence/specs';
import { sequenceTaskInfo } from '../../sequence/tasks';

const whole = (name: string, min: number, max: number) => z.number({ error: `${name} must be a number` })
  .int(`${name} must be a whole number`).min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`);
const fraction = (name: string, min: number, max: number) => z.number({ error: `${name} must be a number` })
  .min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`);

/** The built-in corpus a char model starts from (shipped with the app). */
export const DEFAULT_CORPUS = 'kjv-genesis';

/** A text corpus: a language model with teacher forcing over windows of `sequenceLength` tokens. */
export const textDataSchema = z.object({
  source: z.literal('text'),
  /** A corpus id (corpora.list): the built-in one or an imported text file. */
  corpus: z.string({ error: 'corpus must be text' }).min(1, 'corpus must name a corpus').max(64).default(DEFAULT_CORPUS),
  level: z.enum(['char', 'word'], { error: "level must be 'char' or 'word'" }).default('char'),
  /** Word level: the most frequent words kept (the rest become <unk>). */
  vocabularyCap: whole('vocabularyCap', 10, 100_000).default(10_000),
  /** Tokens per training window (the truncated back-propagation length). */
  sequenceLength: whole('sequenceLength', 2, 1024).default(64),
  /** Fraction of the text held out for validation, in whole chunks chosen by the seed. */
  validationFraction: fraction('validationFraction', 0.01, 0.5).default(0.1),
  /** Use only the first N characters of the corpus (a quick run on a small subset); all when omitted. */
  maxCharacters: whole('maxCharacters', 100, 1_000_000_000).optional(),
}).strict();

/** A seeded synthetic task: classification (parity) or seq2seq (the others). */
export const taskDataSchema = z.object({
  source: z.literal('task'),
  task: sequenceTaskSpecSchema,
  trainExamples: whole('trainExamples', 10, 10_000_000).default(5000),
  validationExamples: whole('validationExamples', 10, 1_000_000).default(1000),
  testExamples: whole('testExamples', 10, 1_000_000).default(1000),
}).strict();

export const sequenceDataSchema = z.discriminatedUnion('source', [textDataSchema, taskDataSchema]);
export type SequenceData = z.output<typeof sequenceDataSchema>;
export type TextData = z.output<typeof textDataSchema>;
export type TaskData = z.output<typeof taskDataSchema>;

/** What a run learns: follows from the data (text → language model; a task → its kind). */
export type SequenceObjective = 'lm' | 'classification' | 'seq2seq';
export const sequenceObjectives: readonly SequenceObjective[] = ['lm', 'classification', 'seq2seq'];

export function objectiveOf(data: SequenceData): SequenceObjective {
  return data.source === 'text' ? 'lm' : sequenceTaskInfo(data.task as SequenceTaskSpec).kind;
}

export const cellSchema = z.enum(['simpleRnn', 'lstm', 'gru'], { error: "cell must be 'simpleRnn', 'lstm' or 'gru'" });
export type Cell = z.infer<typeof cellSchema>;

export const sequenceHyperSchema = z.object({
  epochs: whole('epochs', 1, 1000).default(2),
  batchSize: whole('batchSize', 1, 8192).default(64),
  optimizer: optimizerSchema.default('adam'),
  learningRate: learningRateSchema().default(0.003),
  momentum: z.number({ error: 'momentum must be a number' }).min(0, 'momentum must be between 0 and 1').lt(1, 'momentum must be less than 1').default(0.9),
  /** Gradient clipping: by the global norm of all gradients (Pascanu et al. 2013), by value (each element), or none. */
  clip: z.enum(['global-norm', 'value', 'none'], { error: "clip must be 'global-norm', 'value' or 'none'" }).default('global-norm'),
  clipThreshold: z.number({ error: 'clipThreshold must be a number' }).gt(0, 'clipThreshold must be greater than 0').max(1e6, 'clipThreshold must be at most 1e6').default(5),
  seed: seedSchema,
  /** Text samples, gradient-through-time and attention maps every this many steps (and at each epoch end). */
  sampleEverySteps: sampleEveryStepsSchema,
  // ---- the template's knobs (a drawn graph ignores them) ----
  cell: cellSchema.default('lstm'),
  units: whole('units', 1, 4096).default(128),
  layers: whole('layers', 1, 8).default(1),
  inputEncoding: z.enum(['embedding', 'oneHot'], { error: "inputEncoding must be 'embedding' or 'oneHot'" }).default('embedding'),
  embeddingDim: whole('embeddingDim', 1, 4096).default(64),
  /** Dropout between stacked recurrent layers (and before the output). */
  dropout: fraction('dropout', 0, 0.9).default(0),
  /** Classification: a second copy of each recurrent layer reads the sequence backwards. */
  bidirectional: z.boolean({ error: 'bidirectional must be true or false' }).default(false),
  /** LSTM: the forget gate's bias starts at 1 (true) or 0 (false). */
  unitForgetBias: z.boolean({ error: 'unitForgetBias must be true or false' }).default(true),
  /** LSTM and GRU gates: the logistic sigmoid (the textbook cell) or tfjs's piecewise-linear hardSigmoid. */
  recurrentActivation: z.enum(['sigmoid', 'hardSigmoid'], { error: "recurrentActivation must be 'sigmoid' or 'hardSigmoid'" }).default('sigmoid'),
  /** Seq2seq: Luong's dot or general score, or Bahdanau's additive one. */
  attention: z.enum(['dot', 'general', 'additive'], { error: "attention must be 'dot', 'general' or 'additive'" }).default('general'),
  /** Transformer template: self-attention blocks and heads per block. */
  blocks: whole('blocks', 1, 24).default(2),
  heads: whole('heads', 1, 64).default(4),
  // ---- sampling and decoding ----
  /** Language model samples: softmax temperature (> 0) and top-k (0: the whole vocabulary). */
  temperature: z.number({ error: 'temperature must be a number' }).gt(0, 'temperature must be greater than 0').max(100, 'temperature must be at most 100').default(1),
  topK: whole('topK', 0, 100_000).default(0),
  /** The text a sample starts from (empty: a random window of validation text). */
  seedText: z.string({ error: 'seedText must be text' }).max(1000, 'seedText must be at most 1000 characters').default(''),
  sampleLength: whole('sampleLength', 1, 5000).default(200),
  /** Seq2seq: greedy or beam-search decoding of the validation and test sets. */
  decoding: z.enum(['greedy', 'beam'], { error: "decoding must be 'greedy' or 'beam'" }).default('greedy'),
  beamWidth: whole('beamWidth', 1, 64).default(4),
}).strict();
export type SequenceHyper = z.output<typeof sequenceHyperSchema>;

export const sequenceTemplateSchema = z.enum(['rnn-lm', 'transformer-lm', 'rnn-classifier', 'seq2seq-attention']);
export type SequenceTemplate = z.infer<typeof sequenceTemplateSchema>;

export const sequenceArchitectureSchema = graphArchitectureSchema(sequenceTemplateSchema);

export const sequenceConfigSchema = z.object({
  family: z.literal('sequence'),
  ...runConfigCommonShape,
  data: sequenceDataSchema.default(textDataSchema.parse({ source: 'text' })),
  architecture: sequenceArchitectureSchema.default({ template: 'rnn-lm' }),
  hyper: sequenceHyperSchema.default(sequenceHyperSchema.parse({})),
}).strict();
export type SequenceConfig = z.output<typeof sequenceConfigSchema>;

/** The template a fresh run of each objective starts from. */
export const defaultTemplateFor: Readonly<Record<SequenceObjective, SequenceTemplate>> = {
  lm: 'rnn-lm', classification: 'rnn-classifier', seq2seq: 'seq2seq-attention',
};

/** Which objectives a template serves. */
export const templateObjectives: Readonly<Record<SequenceTemplate, readonly SequenceObjective[]>> = {
  'rnn-lm': ['lm'], 'transformer-lm': ['lm'], 'rnn-classifier': ['classification'], 'seq2seq-attention': ['seq2seq'],
};
