/**
 * Runs the family a start message names. One entry per family.
 */
import type { StartMessage } from '../common/protocol';
import type { TrainingSink } from '../engine/sink';
import { runClassifier } from './classifier/run';

export type FamilyRunResult =
  | { status: 'done'; final: Record<string, number> }
  | { status: 'cancelled' };

export async function runFamily(start: StartMessage, sink: TrainingSink, isCancelled: () => boolean): Promise<FamilyRunResult> {
  const config = start.config;
  switch (config.family) {
    case 'classifier': {
      const options: Parameters<typeof runClassifier>[0] = { config, graph: start.graph, sink, isCancelled, runDir: start.runDir };
      if (start.resumeFrom) options.resumeFrom = start.resumeFrom;
      return runClassifier(options);
    }
  }
}
