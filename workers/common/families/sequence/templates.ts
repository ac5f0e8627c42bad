/**
 * The sequence family's templates, as graph documents the editor opens and
 * the sequence runtime (workers/families/sequence/network.ts) trains. A
 * template is built for a contract (lengths, vocabulary, classes) and the
 * run's knobs (cell, units, layers, input encoding, dropout, attention…).
 *
 * Graph conventions (the contract, contract.ts):
 *  - language model: input 'x' [T] token ids → [T, V] (a softmax dense last);
 *  - classification: input 'x' [T] → [C];
 *  - seq2seq: inputs 'source' [Ts] and 'target' [Tt + 1] (the decoder's
 *    input: <bos> then the target, teacher-forced) → [Tt + 1, V].
 * Pure.
 */
import { dag, type DagLayer } from '../../graphChain';
import type { GraphDocument } from '../../graph';
import type { Cell, SequenceHyper, SequenceTemplate } from './config';

/** The template knobs, as in the run config's hyper. */
export type TemplateKnobs = Pick<SequenceHyper, 'cell' | 'units' | 'layers' | 'inputEncoding' | 'embeddingDim' | 'dropout' | 'bidirectional' | 'unitForgetBias' | 'recurrentActivation' | 'attention' | 'blocks' | 'heads'>;

export const defaultTemplateKnobs: TemplateKnobs = {
  cell: 'lstm', units: 128, layers: 1, inputEncoding: 'embedding', embeddingDim: 64, dropout: 0,
  bidirectional: false, unitForgetBias: true, recurrentActivation: 'sigmoid', attention: 'general', blocks: 2, heads: 4,
};

/** What a template is built for. */
export interface SequenceShape {
  /** Input length (the source length for seq2seq). */
  inputLength: number;
  /** Vocabulary size (input and output tokens share it). */
  vocabularySize: number;
  /** Classification: the classes. */
  classes: number;
  /** Seq2seq: the decoder's length (target + <eos>, or <bos> + target). */
  decoderLength: number;
}

const CELL_LABEL: Record<Cell, string> = { simpleRnn: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' };

function cellParams(k: TemplateKnobs, returnSequences: boolean, bidirectional = false): Record<string, unknown> {
  const p: Record<string, unknown> = { units: k.units, activation: 'tanh', returnSequences, bidirectional, mergeMode: 'concat' };
  if (k.cell !== 'simpleRnn') p['recurrentActivation'] = k.recurrentActivation;
  if (k.cell === 'lstm') p['unitForgetBias'] = k.unitForgetBias;
  return p;
}

function encoding(id: string, from: string, vocab: number, k: TemplateKnobs, row = 0): DagLayer {
  return k.inputEncoding === 'oneHot'
    ? { id, kind: 'oneHot', label: `One-hot ${vocab}`, params: { depth: vocab }, from: [from], row }
    : { id, kind: 'embedding', label: `Embedding ${vocab}→${k.embeddingDim}`, params: { inputDim: vocab, outputDim: k.embeddingDim }, from: [from], row };
}

/** `layers` recurrent layers after `from`, dropout between them; the last returns sequences when `lastSequences`. */
function recurrentStack(prefix: string, from: string, k: TemplateKnobs, lastSequences: boolean, row = 0, bidirectional = false): { layers: DagLayer[]; last: string } {
  const out: DagLayer[] = [];
  let prev = from;
  for (let i = 0; i < k.layers; i++) {
    const last = i === k.layers - 1;
    const id = `${prefix}${i + 1}`;
    const bi = bidirectional ? 'Bi-' : '';
    out.push({ id, kind: k.cell, label: `${bi}${CELL_LABEL[k.cell]} ${k.units}`, params: cellParams(k, last ? lastSequences : true, bidirectional), from: [prev], row });
    prev = id;
    if (k.dropout > 0 && !last) {
      out.push({ id: `${id}_dropout`, kind: 'dropout', label: `Dropout ${k.dropout}`, params: { rate: k.dropout }, from: [prev], row });
      prev = `${id}_dropout`;
    }
  }
  return { layers: out, last: prev };
}

function withDropout(layers: DagLayer[], from: string, k: TemplateKnobs): string {
  if (k.dropout <= 0) return from;
  layers.push({ id: 'dropout', kind: 'dropout', label: `Dropout ${k.dropout}`, params: { rate: k.dropout }, from: [from] });
  return 'dropout';
}

function rnnLm(s: SequenceShape, k: TemplateKnobs): GraphDocument {
  const layers: DagLayer[] = [{ id: 'x', kind: 'input', label: `Tokens [${s.inputLength}]`, params: { shape: [s.inputLength], name: 'x' } }];
  layers.push(encoding('encode', 'x', s.vocabularySize, k));
  const stack = recurrentStack('rnn', 'encode', k, true);
  layers.push(...stack.layers);
  const last = withDropout(layers, stack.last, k);
  layers.push({ id: 'output', kind: 'dense', label: `Dense ${s.vocabularySize} softmax`, params: { units: s.vocabularySize, activation: 'softmax' }, from: [last] });
  return dag(`${CELL_LABEL[k.cell]} language model`, layers);
}

function transformerLm(s: SequenceShape, k: TemplateKnobs): GraphDocument {
  const d = k.embeddingDim;
  if (d % k.heads !== 0) throw new Error(`The transformer template needs embeddingDim (${d}) to be a multiple of heads (${k.heads})`);
  const layers: DagLayer[] = [
    { id: 'x', kind: 'input', label: `Tokens [${s.inputLength}]`, params: { shape: [s.inputLength], name: 'x' } },
    { id: 'embed', kind: 'embedding', label: `Embedding ${s.vocabularySize}→${d}`, params: { inputDim: s.vocabularySize, outputDim: d } },
    { id: 'position', kind: 'positionalEncoding', label: 'Sinusoidal positions', params: { encoding: 'sinusoidal', maxLength: Math.max(512, s.inputLength) } },
  ];
  for (let b = 1; b <= k.blocks; b++) {
    layers.push({ id: `block${b}`, kind: 'selfAttention', label: `Causal self-attention ×${k.heads}`, params: { heads: k.heads, ffUnits: 4 * d, causal: true, dropout: k.dropout } });
  }
  layers.push({ id: 'norm', kind: 'layerNorm', label: 'Layer norm', params: { epsilon: 1e-5 } });
  layers.push({ id: 'output', kind: 'dense', label: `Dense ${s.vocabularySize} softmax`, params: { units: s.vocabularySize, activation: 'softmax' } });
  return dag('Transformer language model', layers);
}

function rnnClassifier(s: SequenceShape, k: TemplateKnobs): GraphDocument {
  const layers: DagLayer[] = [{ id: 'x', kind: 'input', label: `Tokens [${s.inputLength}]`, params: { shape: [s.inputLength], name: 'x' } }];
  layers.push(encoding('encode', 'x', s.vocabularySize, k));
  const stack = recurrentStack('rnn', 'encode', k, false, 0, k.bidirectional);
  layers.push(...stack.layers);
  const last = withDropout(layers, stack.last, k);
  layers.push({ id: 'output', kind: 'dense', label: `Dense ${s.classes} softmax`, params: { units: s.classes, activation: 'softmax' }, from: [last] });
  return dag(`${k.bidirectional ? 'Bidirectional ' : ''}${CELL_LABEL[k.cell]} classifier`, layers);
}

function seq2seq(s: SequenceShape, k: TemplateKnobs): GraphDocument {
  const layers: DagLayer[] = [
    { id: 'source', kind: 'input', label: `Source [${s.inputLength}]`, params: { shape: [s.inputLength], name: 'source' } },
    encoding('source_encode', 'source', s.vocabularySize, k),
  ];
  const encoder = recurrentStack('encoder', 'source_encode', k, true);
  layers.push(...encoder.layers);
  layers.push({ id: 'target', kind: 'input', label: `Decoder input [${s.decoderLength}]`, params: { shape: [s.decoderLength], name: 'target' }, row: 1 });
  layers.push(encoding('target_encode', 'target', s.vocabularySize, k, 1));
  const decoder = recurrentStack('decoder', 'target_encode', k, true, 1);
  layers.push(...decoder.layers);
  const scoreLabel = { dot: 'Luong dot', general: 'Luong general', additive: 'Bahdanau additive' }[k.attention];
  layers.push({ id: 'attention', kind: 'attention', label: `Attention (${scoreLabel})`, params: { score: k.attention, scaled: false, units: k.units }, from: [decoder.last, encoder.last], row: 1 });
  layers.push({ id: 'combine', kind: 'concat', label: 'Context ⧺ decoder', params: {}, from: ['attention', decoder.last], row: 1 });
  layers.push({ id: 'hidden', kind: 'dense', label: `Dense ${k.units} tanh`, params: { units: k.units, activation: 'tanh' }, from: ['combine'], row: 1 });
  layers.push({ id: 'output', kind: 'dense', label: `Dense ${s.vocabularySize} softmax`, params: { units: s.vocabularySize, activation: 'softmax' }, from: ['hidden'], row: 1 });
  return dag(`${CELL_LABEL[k.cell]} seq2seq with ${scoreLabel} attention`, layers);
}

export function sequenceTemplate(name: SequenceTemplate, shape: SequenceShape, knobs: TemplateKnobs = defaultTemplateKnobs): GraphDocument {
  switch (name) {
    case 'rnn-lm': return rnnLm(shape, knobs);
    case 'transformer-lm': return transformerLm(shape, knobs);
    case 'rnn-classifier': return rnnClassifier(shape, knobs);
    case 'seq2seq-attention': return seq2seq(shape, knobs);
  }
}
