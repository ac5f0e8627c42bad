/**
 * A sequence run: prepare the corpus or the task, check the graph against
 * the data's contract, build the network and train it through the trainer
 * with the sequence session.
 */
import type { GraphDocument } from '../../common/graph';
import { inferShapes } from '../../common/shapes';
import { checkSequenceGraph } from '../../common/families/sequence/contract';
import { sequenceContract } from '../../common/families/sequence/index';
import { makeOptimizer } from '../../engine/optimizer';
import { train } from '../../engine/trainer';
import type { FamilyRunOptions, FamilyRunResult } from '../familyRun';
import { prepareData, type PreparedData } from './data';
import { buildSequenceNetwork } from './network';
import { sequenceSession } from './session';

export interface SequenceRunOptions extends FamilyRunOptions<'sequence'> {
  graph: GraphDocument;
  /** The corpus's text (text runs). */
  text?: string;
}

function describe(d: PreparedData): string {
  if (d.objective === 'lm') {
    const count = (xs: Int32Array[]) => xs.reduce((a, r) => a + r.length, 0);
    return `Language model on ${count(d.train)} training and ${count(d.validation)} validation tokens (${d.vocab.level} level, vocabulary ${d.vocab.tokens.length}), windows of ${d.windowLength}`;
  }
  return `${d.info.task} task (${d.objective}): ${d.train.length} training, ${d.validation.length} validation, ${d.test.length} test examples; vocabulary ${d.vocab.tokens.length}, inputs up to ${d.info.maxInputLength} tokens`;
}

export async function runSequence(o: SequenceRunOptions): Promise<FamilyRunResult> {
  const h = o.config.hyper;
  const data = prepareData(o.config.data, h.seed, o.text);
  const contract = sequenceContract(o.config, data.vocab.tokens.length);
  const errors = checkSequenceGraph(inferShapes(o.graph), contract, o.graph);
  if (errors.length > 0) throw new Error(`The architecture does not fit this run's data: ${errors.map((e) => `${e.message} — ${e.hint}`).join('; ')}`);
  return train(o, (ctx) => {
    ctx.sink.log('info', describe(data));
    const net = buildSequenceNetwork(o.graph, h.seed);
    const params = net.variables.reduce((a, v) => a + v.variable.size, 0);
    ctx.sink.log('info', `Model has ${params} parameters; ${net.recurrent.length} recurrent and ${net.attentionLayers.length} attention layers; clipping ${h.clip === 'none' ? 'off' : `${h.clip} at ${h.clipThreshold}`}`);
    return sequenceSession({ net, optimizer: makeOptimizer(h), data, hyper: h, ctx });
  });
}
