/** The sequence family's worker entry: its run (one graph, with the corpus's text for a language model), no analyses. */
import type { FamilyWorker } from '../familyRun';
import { requireGraph, runOptions } from '../familyRun';
import { runSequence } from './run';

export const sequenceWorker: FamilyWorker<'sequence'> = {
  run: (s) => runSequence({ ...runOptions(s), graph: requireGraph(s.architecture, 'A sequence model trains one graph, not a model of several parts') }),
  analysis: {},
};
