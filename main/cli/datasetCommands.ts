/** `npx latent datasets list|import|download|remove`: the Datasets page's operations, through the same validated API. */
import * as path from 'node:path';
import { ApiError, parseRequest } from '../common/api';
import type { DatasetInfo } from '../common/domain';
import type { AppServices } from '../services/appServices';
import { CliError } from './commands';

export interface DatasetsOptions {
  json: boolean;
  kind?: string;
  dir?: string;
  name?: string;
  testFraction?: string;
  seed?: string;
  /** `download --from`: a known set's id, or an http(s) folder URL of IDX files. */
  from?: string;
}

function asNumber(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new CliError(`--${flag} must be a number, not "${text}"`);
  return n;
}

/** ApiErrors become CLI errors: bad input exits 2, a conflict or a missing dataset 1. */
function cliError(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  return new CliError(e.message, e.code === 'bad-request' ? 2 : 1);
}

function shape(d: DatasetInfo): string {
  const [h, w, c] = d.inputShape;
  return `${h}×${w}×${c}`;
}

export function formatDatasets(list: readonly DatasetInfo[]): string {
  const rows = list.map((d) => [d.id, d.name, d.kind, shape(d), String(d.numClasses), String(d.trainSize), String(d.testSize)]);
  const head = ['id', 'name', 'kind', 'shape', 'classes', 'train', 'test'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${fmt(head)}\n${rows.map(fmt).join('\n')}\n`;
}

export async function datasetsCommand(s: AppServices, args: string[], o: DatasetsOptions, out: NodeJS.WritableStream, usage: string): Promise<number> {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'list': {
        const list = s.datasets.list();
        out.write(o.json ? `${JSON.stringify(list)}\n` : formatDatasets(list));
        return 0;
      }
      case 'import': {
        if (!o.kind || !o.dir || !o.name) throw new CliError(`datasets import needs --kind, --dir and --name\n${usage}`);
        const req = parseRequest('datasets.import', {
          kind: o.kind,
          path: path.resolve(o.dir),
          name: o.name,
          ...(o.testFraction !== undefined ? { testFraction: asNumber('test-fraction', o.testFraction) } : {}),
          ...(o.seed !== undefined ? { seed: asNumber('seed', o.seed) } : {}),
        });
        const info = await s.datasets.import(req);
        if (o.json) out.write(`${JSON.stringify(info)}\n`);
        else out.write(`Imported "${info.name}" as ${info.id}: ${shape(info)}, ${info.numClasses} classes (${info.classNames.join(', ')}), ${info.trainSize} training and ${info.testSize} test images.\nTrain on it with --set dataset.id=${info.id}\n`);
        return 0;
      }
      case 'download': {
        // Only ever on this explicit command: nothing in the app downloads by itself.
        if (!o.from || !o.name) throw new CliError(`datasets download needs --from (fashion-mnist, or an http(s) URL of a folder of IDX files) and --name\n${usage}`);
        const source = /^https?:\/\//i.test(o.from) ? { url: o.from } : { set: o.from };
        const req = parseRequest('datasets.download', { name: o.name, ...source });
        const info = await s.handlers['datasets.download'](req);
        if (o.json) out.write(`${JSON.stringify(info)}\n`);
        else out.write(`Downloaded and imported "${info.name}" as ${info.id}: ${shape(info)}, ${info.numClasses} classes, ${info.trainSize} training and ${info.testSize} test images; checksum ${info.contentHash ?? 'recorded'}.\n`);
        return 0;
      }
      case 'remove': {
        const id = rest[0];
        if (!id) throw new CliError(`datasets remove needs a dataset id\n${usage}`);
        const req = parseRequest('datasets.remove', { id });
        const removal = s.datasets.remove(req.id);
        out.write(o.json ? `${JSON.stringify(removal)}\n` : `${removal.message}\n`);
        return 0;
      }
      default:
        throw new CliError(`datasets needs list, import, download or remove${sub ? `, not "${sub}"` : ''}\n${usage}`);
    }
  } catch (e) {
    throw cliError(e);
  }
}
