/** `npx latent architectures list|show|versions|save`: saved architectures, through the same validated API. */
import * as fs from 'node:fs';
import { ApiError, parseRequest } from '../common/api';
import { formatIssue } from '../../workers/common/runConfigBase';
import type { ArchitectureInfo, ArchitectureVersionInfo } from '../common/domain';
import type { AppServices } from '../services/appServices';
import { CliError } from './commands';

export interface ArchitecturesOptions {
  json: boolean;
  family?: string;
  name?: string;
  file?: string;
  note?: string;
  forkOf?: string;
}

/** ApiErrors become CLI errors: bad input exits 2, a conflict or a missing architecture 1. */
function cliError(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  const lines = (e.issues ?? []).map(formatIssue);
  const issues = lines.length > 0 && !e.message.includes(lines[0]!) && !e.message.includes(e.issues![0]!.message) ? `\n  ${lines.join('\n  ')}` : '';
  return new CliError(`${e.message}${issues}`, e.code === 'bad-request' ? 2 : 1);
}

/** "3" or "3@2" → { id, version? }. */
export function parseArchitectureRef(text: string, what: string): { id: number; version?: number } {
  const m = /^(\d+)(?:@(\d+))?$/.exec(text.trim());
  if (!m) throw new CliError(`${what} must be ID or ID@VERSION (e.g. 3 or 3@2), not "${text}"`);
  const id = Number(m[1]);
  const version = m[2] === undefined ? undefined : Number(m[2]);
  if (id < 1 || (version !== undefined && version < 1)) throw new CliError(`${what}: ids and versions start at 1, not "${text}"`);
  return version === undefined ? { id } : { id, version };
}

function readDocument(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`Cannot read architecture file ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`Architecture file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${fmt(head)}\n${rows.map(fmt).join('\n')}\n`;
}

const fork = (a: ArchitectureVersionInfo): string => (a.forkOf ? `${a.forkOf.id}@${a.forkOf.version}` : '-');
const date = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export function formatArchitectures(list: readonly ArchitectureInfo[]): string {
  if (list.length === 0) return 'No saved architectures. Save one with: npx latent architectures save --name N --family F --file graph.json\n';
  return table(['id', 'name', 'family', 'latest', 'versions', 'runs', 'forked from', 'note'],
    list.map((a) => [String(a.id), a.name, a.family, `v${a.version}`, String(a.versionCount), String(a.runCount), fork(a), a.note ?? '']));
}

export function formatVersions(list: readonly ArchitectureVersionInfo[]): string {
  return table(['version', 'saved', 'runs', 'forked from', 'note'],
    list.map((v) => [`${v.id}@${v.version}`, date(v.createdAt), String(v.runCount), fork(v), v.note ?? '']));
}

export function architecturesCommand(s: AppServices, args: string[], o: ArchitecturesOptions, out: NodeJS.WritableStream, usage: string): number {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'list': {
        const req = parseRequest('architectures.list', o.family !== undefined ? { family: o.family } : {});
        const list = s.architectures.list(req.family);
        out.write(o.json ? `${JSON.stringify(list)}\n` : formatArchitectures(list));
        return 0;
      }
      case 'show': {
        if (!rest[0]) throw new CliError(`architectures show needs ID or ID@VERSION\n${usage}`);
        const ref = parseArchitectureRef(rest[0], 'architectures show');
        const req = parseRequest('architectures.get', ref);
        const a = s.architectures.get(req.id, req.version);
        // The document alone can be edited and saved back with `architectures save --file`; --json gives the whole record.
        out.write(`${JSON.stringify(o.json ? a : a.architecture, null, 2)}\n`);
        return 0;
      }
      case 'versions': {
        if (!rest[0]) throw new CliError(`architectures versions needs an architecture ID\n${usage}`);
        const ref = parseArchitectureRef(rest[0], 'architectures versions');
        if (ref.version !== undefined) throw new CliError('architectures versions takes an ID without @VERSION: it lists every version');
        const list = s.architectures.versions(parseRequest('architectures.versions', { id: ref.id }).id);
        out.write(o.json ? `${JSON.stringify(list)}\n` : formatVersions(list));
        return 0;
      }
      case 'save': {
        if (!o.name || !o.family || !o.file) throw new CliError(`architectures save needs --name, --family and --file\n${usage}`);
        let forkOf: { id: number; version: number } | undefined;
        if (o.forkOf !== undefined) {
          const ref = parseArchitectureRef(o.forkOf, '--fork-of');
          if (ref.version === undefined) throw new CliError('--fork-of needs ID@VERSION: a fork records the exact version it came from');
          forkOf = { id: ref.id, version: ref.version };
        }
        const req = parseRequest('architectures.save', {
          name: o.name,
          family: o.family,
          architecture: readDocument(o.file),
          ...(o.note !== undefined ? { note: o.note } : {}),
          ...(forkOf ? { forkOf } : {}),
        });
        const a = s.architectures.save(req);
        if (o.json) out.write(`${JSON.stringify(a)}\n`);
        else out.write(`Saved "${a.name}" (${a.family}) as ${a.id}@${a.version}${a.forkOf ? `, forked from ${fork(a)}` : ''}.\nTrain it with --set 'architecture={"architectureId":${a.id},"version":${a.version}}'\n`);
        return 0;
      }
      default:
        throw new CliError(`architectures needs list, show, versions or save${sub ? `, not "${sub}"` : ''}\n${usage}`);
    }
  } catch (e) {
    throw cliError(e);
  }
}
