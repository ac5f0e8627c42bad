/** The classifier family's worker entry: its run (one graph), and its model's feature maps for the analysis. */
import type { FamilyWorker } from '../familyRun';
import { requireGraph, runOptions } from '../familyRun';
import { classifierFeatureMaps } from './featureMaps';
import { runClassifier } from './run';

export const classifierWorker: FamilyWorker<'classifier'> = {
  run: (s) => runClassifier({ ...runOptions(s), graph: requireGraph(s.architecture, 'A classifier trains one graph, not a model of several parts') }),
  analysis: { featureMaps: classifierFeatureMaps },
};
