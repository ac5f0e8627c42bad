/** `experiments list` and `experiments create NAME [--description D]`, through the app's validated requests. */
import { parseRequest } from '../common/api';
import type { Experiment } from '../common/domain';
import type { AppServices } from '../services/appServices';
import { CliError } from './commands';
import { cliError } from './runArgs';
import { alignedTable } from './runColumnsArgs';

export interface ExperimentsOptions { json: boolean; description?: string }

function list(s: AppServices, json: boolean, out: NodeJS.WritableStream): number {
  parseRequest('experiments.list', {});
  const experiments = s.experiments.list();
  if (json) out.write(`${JSON.stringify(experiments)}\n`);
  else if (experiments.length === 0) out.write('No experiments yet. Create one with: latent experiments create NAME\n');
  else out.write(alignedTable(['id', 'name', 'description'], experiments.map((e) => [String(e.id), e.name, e.description || '-']), [true, false, false]));
  return 0;
}

function create(s: AppServices, words: readonly string[], o: ExperimentsOptions, out: NodeJS.WritableStream, usage: string): number {
  if (words.length === 0) throw new CliError(`experiments create needs a name: experiments create NAME [--description D]\n${usage}`);
  let made: Experiment;
  try {
    const req = parseRequest('experiments.create', { name: words.join(' '), ...(o.description === undefined ? {} : { description: o.description }) });
    made = s.experiments.create(req.name, req.description);
  } catch (e) {
    throw cliError(e);
  }
  out.write(o.json ? `${JSON.stringify(made)}\n` : `Experiment ${made.id} "${made.name}" created; train in it with --experiment "${made.name}"\n`);
  return 0;
}

export function experimentsCommand(s: AppServices, args: readonly string[], o: ExperimentsOptions, out: NodeJS.WritableStream, usage: string): number {
  const [sub, ...rest] = args;
  switch (sub) {
    case undefined:
    case 'list':
      if (rest.length > 0) throw new CliError(`experiments list takes no arguments (got "${rest.join(' ')}")`);
      return list(s, o.json, out);
    case 'create':
      return create(s, rest, o, out, usage);
    default:
      throw new CliError(`experiments needs list or create, not "${sub}"\n${usage}`);
  }
}
