/** The sequence family's worker entry: its run (one graph, with the corpus's text for a language model), no analyses. */
import { loadCorpusText } from '../../data/textCorpus';
import type { FamilyStart, FamilyWorker } from '../familyRun';
import { requireGraph, runOptions } from '../familyRun';
import { runSequence } from './run';

/** The corpus text of a text run (read whole: the run's own maxCharacters cut applies in prepareText). */
async function corpusText(s: FamilyStart<'sequence'>): Promise<string | undefined> {
  const d = s.config.data;
  if (d.source !== 'text') return undefined;
  if (s.corpus === undefined || s.corpus.id !== d.corpus) throw new Error(`The corpus '${d.corpus}' was not given to the worker`);
  return loadCorpusText(s.corpus.file, d.maxCharacters);
}

export const sequenceWorker: FamilyWorker<'sequence'> = {
  run: async (s) => {
    const text = await corpusText(s);
    return runSequence({ ...runOptions(s), graph: requireGraph(s.architecture, 'A sequence model trains one graph, not a model of several parts'), ...(text !== undefined ? { text } : {}) });
  },
  analysis: {},
};
