/**
 * The sequence bench's runs: a config from raw fields (parsed by the
 * family's schema), the template graph its contract asks for (as the app
 * builds it), and one in-process training run through the family's own
 * runSequence with a RecordingSink, timed, its artifacts in a temporary
 * folder that is removed afterwards.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TextSamplesDocument } from '../workers/common/families/sequence/artifacts';
import { sequenceConfigSchema, type SequenceConfig } from '../workers/common/families/sequence/config';
import { sequenceContract } from '../workers/common/families/sequence/index';
import { familyOf } from '../workers/common/families/registry';
import type { GraphDocument } from '../workers/common/graph';
import { RecordingSink } from '../workers/engine/sink';
import { prepareData } from '../workers/families/sequence/data';
import { runSequence } from '../workers/families/sequence/run';
import { appRoot } from '../main/services/appInfo';

export const CORPUS_FILE = join(appRoot, 'workers', 'data', 'corpora', 'kjv-genesis.txt');

export function corpusText(): string {
  return readFileSync(CORPUS_FILE, 'utf8');
}

export function sequenceConfig(raw: unknown): SequenceConfig {
  return sequenceConfigSchema.parse(raw);
}

/** The template graph a run of `config` starts from (the app's: the contract sized by the prepared data). */
export function templateGraph(config: SequenceConfig, text?: string): GraphDocument {
  const data = prepareData(config.data, config.hyper.seed, text);
  const contract = sequenceContract(config, data.vocab.tokens.length);
  const template = 'template' in config.architecture ? config.architecture.template : 'rnn-lm';
  return familyOf('sequence').network.template(template, contract, config) as GraphDocument;
}

export interface RunOutcome {
  sink: RecordingSink;
  wallS: number;
  /** The last text-samples document written (language models). */
  lastSamples?: TextSamplesDocument;
}

/** Train `config` to the end in this process; `label` prefixes the run's log lines on stderr. */
export async function trainInProcess(config: SequenceConfig, label: string, text?: string): Promise<RunOutcome> {
  const runDir = mkdtempSync(join(tmpdir(), 'latent-bench-seq-'));
  const sink = new RecordingSink();
  const log = sink.log.bind(sink);
  sink.log = (level, message) => { log(level, message); console.error(`[${label}] ${message}`); };
  try {
    const t0 = performance.now();
    const r = await runSequence({ config, graph: templateGraph(config, text), sink, isCancelled: () => false, runDir, ...(text !== undefined ? { text } : {}) });
    const wallS = (performance.now() - t0) / 1000;
    if (r.status !== 'done') throw new Error(`The ${label} run did not finish (${r.status})`);
    const texts = sink.samples.filter((s) => s.kind === 'text-samples');
    const last = texts.at(-1);
    return { sink, wallS, ...(last ? { lastSamples: JSON.parse(readFileSync(last.path, 'utf8')) as TextSamplesDocument } : {}) };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** The last value a run recorded for a metric (throws naming it when there is none). */
export function lastValue(sink: RecordingSink, key: Parameters<RecordingSink['values']>[0]): number {
  const v = sink.values(key).at(-1);
  if (v === undefined) throw new Error(`The run recorded no ${key}`);
  return v;
}

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
