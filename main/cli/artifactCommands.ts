/**
 * `npx latent artifacts RUN [--kind K] [--json]`: what a run wrote, with
 * where it is on disk (images, data documents, epoch checkpoints, a GAN's
 * generator kept at each scored step, analyses), so any recorded number can
 * be traced to its file. `show RUN --json` carries the same list.
 */
import * as path from 'node:path';
import type { AppServices } from '../services/appServices';
import type { ArtifactOnDisk } from '../services/artifactService';
import { isStoredArtifactKind, storedArtifactKinds } from '../../workers/common/families/registry';
import { CliError } from './commands';
import { cliError } from './runArgs';
import { alignedTable } from './runColumnsArgs';

export interface ArtifactsOptions {
  json: boolean;
  kind?: string;
}

/** One meta value in a table cell: numbers to 5 significant digits, lists by their length, records as key=value. */
function metaValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(5)));
  if (Array.isArray(v)) return `[${v.length}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${k}=${metaValue(x)}`).join(' ')}}`;
  return String(v);
}

/** The meta's fields, short enough for a table row (the JSON output has them whole). */
export function metaSummary(meta: Record<string, unknown>, maxLength = 120): string {
  const text = Object.entries(meta).map(([k, v]) => `${k}=${metaValue(v)}`).join(' ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** A table of artifacts: paths relative to the data directory when inside it (the header says where that is); a missing file is marked. */
export function formatArtifacts(list: readonly ArtifactOnDisk[], dataDir: string): string {
  const root = path.resolve(dataDir);
  const shown = (p: string): string => (p.startsWith(root + path.sep) ? path.relative(root, p) : p);
  const rows = list.map((a) => [String(a.id), a.kind, String(a.step), `${shown(a.path)}${a.exists ? '' : ' (missing)'}`, metaSummary(a.meta)]);
  return `Paths under ${root}\n${alignedTable(['id', 'kind', 'step', 'path', 'meta'], rows, [true, false, true, false, false])}`;
}

export function artifactsCommand(s: AppServices, args: readonly string[], o: ArtifactsOptions, out: NodeJS.WritableStream, usage: string): number {
  const [idText, ...rest] = args;
  if (idText === undefined) throw new CliError(`artifacts needs a run id\n${usage}`);
  if (rest.length > 0) throw new CliError(`artifacts takes one run id (got "${rest.join(' ')}")\n${usage}`);
  const id = Number(idText);
  if (!Number.isInteger(id) || id < 1) throw new CliError(`artifacts expects a run id (a positive whole number), not "${idText}"`);
  if (o.kind !== undefined && !isStoredArtifactKind(o.kind)) throw new CliError(`Unknown artifact kind "${o.kind}": one of ${storedArtifactKinds.join(', ')}`);
  let list: ArtifactOnDisk[];
  try {
    list = s.artifacts.listOnDisk(id, o.kind);
  } catch (e) {
    throw cliError(e);
  }
  if (o.json) out.write(`${JSON.stringify(list)}\n`);
  else if (list.length === 0) out.write(`Run ${id} has no ${o.kind !== undefined ? `${o.kind} ` : ''}artifacts\n`);
  else out.write(formatArtifacts(list, s.dataDir));
  return 0;
}
