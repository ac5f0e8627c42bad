/**
 * The sequence family's contract: what a graph must take and give for each
 * objective, checked in the editor, by the services before a run is queued
 * and by the worker. The contract context carries the objective and the
 * decoder length as choices (ContractContext.choices), the input length as
 * inputShape [T] and the output size (vocabulary or classes) as numClasses.
 * Pure.
 */
import type { GraphError, Shape, ShapeReport } from '../../graph';
import { fmt, same } from '../../partContracts';
import type { ContractContext } from '../descriptor';
import type { SequenceObjective } from './config';

/** The node kinds the sequence runtime trains (workers/families/sequence/network.ts). */
export const SEQUENCE_KINDS: ReadonlySet<string> = new Set(['input', 'embedding', 'oneHot', 'simpleRnn', 'lstm', 'gru', 'dense', 'dropout', 'activation', 'attention', 'concat', 'add', 'layerNorm', 'positionalEncoding', 'selfAttention']);

/** Node kinds that may only read token ids (the first layer after a token input). */
const TOKEN_READERS = new Set(['embedding', 'oneHot']);

export function contractObjective(c: ContractContext): SequenceObjective {
  const o = c.choices['objective'];
  return o === 'classification' || o === 'seq2seq' ? o : 'lm';
}

export function contractDecoderLength(c: ContractContext): number {
  const n = Number(c.choices['decoderLength']);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/** The input vocabulary's size (tokens the embedding or one-hot layer must take). */
export function contractVocabulary(c: ContractContext): number {
  const n = Number(c.choices['vocabulary']);
  return Number.isInteger(n) && n > 0 ? n : c.numClasses;
}

/** The inputs a graph of this contract has, by role name, with their shapes. */
export function contractInputs(c: ContractContext): Record<string, Shape> {
  const T = c.inputShape[0] ?? 1;
  return contractObjective(c) === 'seq2seq' ? { source: [T], target: [contractDecoderLength(c)] } : { x: [T] };
}

export function contractOutput(c: ContractContext): Shape {
  const o = contractObjective(c);
  if (o === 'classification') return [c.numClasses];
  if (o === 'seq2seq') return [contractDecoderLength(c), c.numClasses];
  return [c.inputShape[0] ?? 1, c.numClasses];
}

export function sequenceContractLines(c: ContractContext): Record<string, string> {
  const o = contractObjective(c);
  const T = c.inputShape[0] ?? 1;
  if (o === 'classification') return { model: `maps token ids 'x' [${T}] to ${c.numClasses} class probabilities [${c.numClasses}] (end with a softmax dense layer)` };
  if (o === 'seq2seq') {
    const D = contractDecoderLength(c);
    return { model: `maps source token ids 'source' [${T}] and the decoder's input 'target' [${D}] (<bos> then the target) to next-token probabilities [${D}, ${c.numClasses}] (end with a softmax dense layer)` };
  }
  return { model: `maps token ids 'x' [${T}] to next-token probabilities at every step [${T}, ${c.numClasses}] (end with a softmax dense layer)` };
}

/** Every error that stops a sequence run from this graph's shape report: its own, then the contract's. */
export function checkSequenceGraph(report: ShapeReport, c: ContractContext, doc: { nodes: readonly { id: string; kind: string; params: Readonly<Record<string, unknown>> }[]; edges: readonly { from: string; to: string }[] }): GraphError[] {
  if (!report.ok) return [...report.errors];
  const errors: GraphError[] = doc.nodes.filter((n) => !SEQUENCE_KINDS.has(n.kind)).map((n) => ({
    code: 'unknown-kind' as const, nodeId: n.id,
    message: `A sequence model does not train ${n.kind} layers ('${n.id}')`,
    hint: `Use ${[...SEQUENCE_KINDS].filter((k) => k !== 'input').join(', ')}`,
  }));
  const want = contractInputs(c);
  const names = Object.keys(want);
  for (const input of report.inputs) {
    const shape = want[input.name];
    if (!shape) {
      errors.push({ code: 'bad-output', nodeId: input.nodeId, message: `The input '${input.name}' is not one this objective feeds (${names.map((n) => `'${n}'`).join(', ')})`, hint: `Name the input ${names.map((n) => `'${n}'`).join(' or ')} (its name parameter)` });
      continue;
    }
    if (!same(input.shape, shape)) {
      errors.push({ code: 'shape-mismatch', nodeId: input.nodeId, message: `The input '${input.name}' takes ${fmt(input.shape)} but this run's sequences are ${fmt(shape)}`, hint: `Set the input shape to ${fmt(shape)}` });
    }
    for (const e of doc.edges.filter((e) => e.from === input.nodeId)) {
      const node = doc.nodes.find((n) => n.id === e.to);
      if (node === undefined) continue;
      if (!TOKEN_READERS.has(node.kind)) {
        errors.push({ code: 'shape-mismatch', nodeId: e.to, message: `'${e.to}' (${node.kind}) reads the token ids of '${input.name}' directly`, hint: 'Put an embedding or one-hot layer right after a token input' });
        continue;
      }
      const size = Number(node.params['inputDim'] ?? node.params['depth']);
      const vocabulary = contractVocabulary(c);
      if (size < vocabulary) {
        const key = node.kind === 'embedding' ? 'inputDim' : 'depth';
        errors.push({ code: 'shape-mismatch', nodeId: e.to, message: `'${e.to}' takes ${size} token ids but the vocabulary has ${vocabulary}`, hint: `Set ${key} to ${vocabulary}` });
      }
    }
  }
  for (const name of names) {
    if (!report.inputs.some((i) => i.name === name)) {
      errors.push({ code: 'missing-input', message: `The graph has no input named '${name}'`, hint: `Add an input node named '${name}' of shape ${fmt(want[name])}` });
    }
  }
  const out = contractOutput(c);
  if (report.outputShape !== undefined && !same(report.outputShape, out)) {
    errors.push({ code: 'bad-output', ...(report.outputNodeId ? { nodeId: report.outputNodeId } : {}), message: `The output is ${fmt(report.outputShape)} but this run needs ${fmt(out)}`, hint: `End with a softmax dense layer of ${c.numClasses} units${out.length === 2 ? ' over every step (recurrent layers with returnSequences)' : ''}` });
  }
  return errors;
}
