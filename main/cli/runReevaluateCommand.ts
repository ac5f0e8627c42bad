/**
 * `npx latent runs reevaluate RUN [--step S] [--samples N] [--json]`: a GAN
 * run's sample scores recomputed from the generator it kept at a scored step
 * (the last one by default) on more samples (10,000 by default), through the
 * same analysis the run page's button asks for; the result is recorded as a
 * 're-evaluation' artifact and printed next to the scores recorded in training.
 */
import * as fs from 'node:fs';
import { parseRequest } from '../common/api';
import type { ReevaluationData } from '../../workers/common/gallery';
import type { AppServices } from '../services/appServices';
import { CliError } from './commands';
import { cliError, runIdArg } from './runArgs';
import { alignedTable } from './runColumnsArgs';

export interface ReevaluateOptions {
  json: boolean;
  step?: string;
  samples?: string;
}

/** A whole number option, or the usage error that names it. */
function wholeNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v)) throw new CliError(`--${name} expects a whole number, not "${text}"`);
  return v;
}

/** The scores now and as recorded, one row per score. */
export function formatReevaluation(d: ReevaluationData, artifactPath: string): string {
  const keys = [...new Set([...Object.keys(d.scores), ...Object.keys(d.recorded.scores)])];
  const cell = (v: number | undefined): string => (v === undefined ? '-' : String(Number(v.toPrecision(6))));
  const rows = keys.map((k) => [k, cell(d.scores[k]), cell(d.recorded.scores[k])]);
  const ref = d.reference;
  return `Step ${d.step} (epoch ${d.epoch}): scores on ${d.samples} generated images, and as recorded in training on ${d.recorded.samples}\n`
    + alignedTable(['score', `now (n=${d.samples})`, `recorded (n=${d.recorded.samples})`], rows, [false, true, true])
    + `Reference classifier: ${ref.template}, test accuracy ${(ref.accuracy * 100).toFixed(2)} % on ${ref.evaluatedOn} images (${ref.datasetHash}${ref.cached ? ', cached' : ', trained for this evaluation'})\n`
    + `Recorded in ${artifactPath}\n`;
}

export async function reevaluateRun(s: AppServices, args: readonly string[], o: ReevaluateOptions, out: NodeJS.WritableStream, usage: string): Promise<number> {
  const [idText, ...rest] = args;
  const id = runIdArg('reevaluate', idText, usage);
  if (rest.length > 0) throw new CliError(`runs reevaluate takes one run id (got "${rest.join(' ')}"); choose the step with --step S`);
  const step = wholeNumber('step', o.step);
  const samples = wholeNumber('samples', o.samples);
  try {
    const req = parseRequest('runs.analyze', { id, request: { kind: 're-evaluate', ...(step !== undefined ? { step } : {}), ...(samples !== undefined ? { samples } : {}) } });
    const info = await s.analysis.analyze(req.id, req.request);
    const onDisk = s.artifacts.listOnDisk(id, 're-evaluation').find((a) => a.id === info.id);
    if (!onDisk) throw new CliError(`The re-evaluation was recorded as artifact ${info.id}, but it is not listed`, 1);
    const data = JSON.parse(fs.readFileSync(onDisk.path, 'utf8')) as ReevaluationData;
    out.write(o.json ? `${JSON.stringify({ ...onDisk, data })}\n` : formatReevaluation(data, onDisk.path));
  } catch (e) {
    throw cliError(e);
  }
  return 0;
}
