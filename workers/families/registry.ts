/**
 * Every family's worker, one line each: its run and what it lends the
 * on-demand analyses. `satisfies` checks the list against the families
 * (workers/common/families/registry.ts): a family missing here is a type
 * error. The host runs and analyses any family through these two generic
 * functions, without naming one.
 */
import type { AnalysisKind } from '../common/gallery';
import { descriptorOf, families, type ConfigOf, type Family, type RunConfig } from '../common/families/registry';
import type { StartMessage } from '../common/protocol';
import { runAnalysis, type AnalysisArtifact, type AnalysisFamily, type AnalysisInput, type AnalysisOptions } from '../engine/analysis';
import type { TrainingSink } from '../engine/sink';
import type { FamilyRunResult, FamilyWorker } from './familyRun';
import { autoencoderWorker } from './autoencoder';
import { classifierWorker } from './classifier';
import { ganWorker } from './gan';
import { pcaWorker } from './pca';
import { pixelCnnWorker } from './pixelcnn';
import { rbmWorker } from './rbm';
import { sequenceWorker } from './sequence';
import { vaeWorker } from './vae';

export type { FamilyRunResult } from './familyRun';

type FamilyWorkers = { [F in Family]: FamilyWorker<F> };

export const familyTrainers = {
  classifier: classifierWorker,
  autoencoder: autoencoderWorker,
  vae: vaeWorker,
  gan: ganWorker,
  pca: pcaWorker,
  rbm: rbmWorker,
  sequence: sequenceWorker,
  pixelcnn: pixelCnnWorker,
} satisfies FamilyWorkers;

const workers: FamilyWorkers = familyTrainers;

/** The family's worker, typed by family. */
export function familyWorker<F extends Family>(family: F): FamilyWorker<F> {
  return workers[family];
}

function start<F extends Family>(family: F, config: ConfigOf<F>, m: StartMessage, sink: TrainingSink, isCancelled: () => boolean): Promise<FamilyRunResult> {
  return familyWorker(family).run({
    config, architecture: m.architecture, sink, isCancelled, runDir: m.runDir,
    ...(m.resumeFrom ? { resumeFrom: m.resumeFrom } : {}),
    ...(m.cacheDir !== undefined ? { cacheDir: m.cacheDir } : {}),
    ...(m.corpus !== undefined ? { corpus: m.corpus } : {}),
  });
}

/** Run the family a start message names. */
export function runFamily(m: StartMessage, sink: TrainingSink, isCancelled: () => boolean): Promise<FamilyRunResult> {
  return start(m.config.family, m.config, m, sink, isCancelled);
}

/** What the runs of the families offering an analysis are called ("an autoencoder or variational autoencoder run"). */
function offeredBy(kind: AnalysisKind): string {
  const names = families.filter((f) => descriptorOf(f).analyses.includes(kind)).map((f) => {
    const t = descriptorOf(f).title;
    // "Autoencoder" → "autoencoder"; an acronym ("GAN") stays.
    return t.length > 1 && t[1] === t[1]!.toLowerCase() ? t[0]!.toLowerCase() + t.slice(1) : t;
  });
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}` : names[0] ?? 'no';
  return `${/^[aeiou]/i.test(list) ? 'an' : 'a'} ${list} run`;
}

/** A family as the analyses see it: what its worker lends, what its descriptor says. */
function analysisFamily<F extends Family>(family: F): AnalysisFamily<ConfigOf<F>> {
  const d = descriptorOf(family);
  return {
    ...familyWorker(family).analysis,
    analyses: d.analyses,
    offeredBy,
    ...(d.dataOverride ? { dataOverride: d.dataOverride } : {}),
  };
}

function analyze<F extends Family>(family: F, input: AnalysisInput<ConfigOf<F>>, options: AnalysisOptions): Promise<AnalysisArtifact> {
  return runAnalysis(input, analysisFamily(family), options);
}

/** Run one on-demand analysis of a run, with what its family lends (engine/analysis.ts). */
export function analyzeRun(input: AnalysisInput<RunConfig>, options: AnalysisOptions = {}): Promise<AnalysisArtifact> {
  return analyze(input.config.family, input, options);
}
