/**
 * `npx latent bundles export|import`: moving runs between workbenches as
 * one .lwbundle file, through the same validated API requests as serve mode.
 */
import * as path from 'node:path';
import { parseRequest } from '../common/api';
import type { BundleExportReport, BundleImportReport } from '../common/bundleFormat';
import type { AppServices } from '../services/appServices';
import { CliError } from './commands';
import { cliError, experimentIdOf } from './runArgs';

export interface BundlesOptions {
  json: boolean;
  experiment?: string;
  out?: string;
  includeDatasets: boolean;
}

const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

export function formatExport(r: BundleExportReport): string {
  const datasets = [
    r.datasetsIncluded.length > 0 ? `datasets included: ${r.datasetsIncluded.join(', ')}` : '',
    r.datasetsReferenced.length > 0 ? `datasets referenced (not included): ${r.datasetsReferenced.join(', ')}` : '',
  ].filter((l) => l !== '').map((l) => `${l}\n`).join('');
  return `Wrote ${r.file} (${mib(r.bytes)}, ${r.entries} entries): ${r.runs.length} ${r.runs.length === 1 ? 'run' : 'runs'} (${r.runs.map((x) => x.id).join(', ')})\n${datasets}`;
}

export function formatImport(r: BundleImportReport): string {
  const names = (list: readonly { id: number; name: string }[]): string => list.map((x) => `"${x.name}" (${x.id})`).join(', ');
  const lines = [
    `Imported ${r.file} (format ${r.formatVersion}, written by Latent Workbench ${r.sourceAppVersion}):`,
    `  runs added: ${r.runsAdded.length}${r.runsAdded.length > 0 ? ` (${r.runsAdded.map((x) => x.id).join(', ')})` : ''}`,
    `  runs skipped, already here: ${r.runsSkipped.length}${r.runsSkipped.length > 0 ? ` (${r.runsSkipped.map((x) => x.id).join(', ')})` : ''}`,
    `  artifacts: ${r.artifactsAdded} rows, ${r.filesAdded} files`,
  ];
  if (r.experimentsCreated.length > 0) lines.push(`  experiments created: ${names(r.experimentsCreated)}`);
  if (r.experimentsMergedInto.length > 0) lines.push(`  merged into experiments: ${names(r.experimentsMergedInto)}`);
  if (r.architecturesAdded.length > 0) lines.push(`  architecture versions added: ${r.architecturesAdded.map((a) => `${a.name} v${a.version}`).join(', ')}`);
  if (r.datasetsAdded.length > 0) lines.push(`  datasets added: ${r.datasetsAdded.join(', ')}`);
  for (const c of r.corporaMissing) lines.push(`  missing text corpus: ${c}: import it (corpora import) before resuming or sampling these runs`);
  for (const d of r.datasetsMissing) lines.push(`  missing dataset: ${d.id} (content ${d.contentHash}): import it on the Datasets page before resuming or analysing these runs`);
  return `${lines.join('\n')}\n`;
}

function runIds(args: readonly string[]): number[] {
  return args.map((a) => {
    const id = Number(a);
    if (!Number.isInteger(id) || id < 1) throw new CliError(`bundles export expects run ids (positive whole numbers), not "${a}"`);
    return id;
  });
}

async function exportCommand(s: AppServices, args: readonly string[], o: BundlesOptions, out: NodeJS.WritableStream, usage: string): Promise<number> {
  if (o.out === undefined) throw new CliError(`bundles export needs --out FILE\n${usage}`);
  if ((args.length > 0) === (o.experiment !== undefined)) throw new CliError(`bundles export takes run ids or --experiment NAME|ID (one of them)\n${usage}`);
  const selection = o.experiment !== undefined ? { experimentId: experimentIdOf(s, o.experiment) } : { runIds: runIds(args) };
  const req = parseRequest('bundles.export', { ...selection, path: path.resolve(o.out), includeDatasets: o.includeDatasets });
  const report = await s.bundles.export(req);
  out.write(o.json ? `${JSON.stringify(report)}\n` : formatExport(report));
  return 0;
}

export async function bundlesCommand(s: AppServices, args: string[], o: BundlesOptions, out: NodeJS.WritableStream, usage: string): Promise<number> {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'export':
        return await exportCommand(s, rest, o, out, usage);
      case 'import': {
        if (rest.length !== 1) throw new CliError(`bundles import needs one FILE\n${usage}`);
        const req = parseRequest('bundles.import', { path: path.resolve(rest[0] ?? '') });
        const report = await s.bundles.import(req.path);
        out.write(o.json ? `${JSON.stringify(report)}\n` : formatImport(report));
        return 0;
      }
      default:
        throw new CliError(`bundles needs export or import${sub ? `, not "${sub}"` : ''}\n${usage}`);
    }
  } catch (e) {
    throw cliError(e);
  }
}
