/** The classifier family's worker entry: its run (one graph), no analyses. */
import type { FamilyWorker } from '../familyRun';
import { requireGraph, runOptions } from '../familyRun';
import { runClassifier } from './run';

export const classifierWorker: FamilyWorker<'classifier'> = {
  run: (s) => runClassifier({ ...runOptions(s), graph: requireGraph(s.architecture, 'A classifier trains one graph, not a model of several parts') }),
  analysis: {},
};
