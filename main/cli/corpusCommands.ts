/** `npx latent corpora list|import|remove`: the text corpora of the Datasets page, through the same validated API. */
import * as path from 'node:path';
import { ApiError, parseRequest } from '../common/api';
import type { CorpusInfo } from '../common/domain';
import type { AppServices } from '../services/appServices';
import { CliError } from './commands';

export interface CorporaOptions {
  json: boolean;
  name?: string;
}

/** ApiErrors become CLI errors: bad input (a file that is not UTF-8) exits 2, a conflict or a missing corpus 1. */
function cliError(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  return new CliError(e.message, e.code === 'bad-request' ? 2 : 1);
}

export function formatCorpora(list: readonly CorpusInfo[]): string {
  const rows = list.map((c) => [
    c.id, c.name, c.kind, String(c.characters), c.lines === null ? '-' : String(c.lines), String(c.charVocabularySize),
    c.unigramBitsPerChar === null ? '-' : c.unigramBitsPerChar.toFixed(3),
  ]);
  const head = ['id', 'name', 'kind', 'characters', 'lines', 'char vocab', 'unigram bits/char'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const problems = list.filter((c) => c.error !== null).map((c) => `${c.id}: ${c.error!}\n`).join('');
  return `${fmt(head)}\n${rows.map(fmt).join('\n')}\n${problems}`;
}

export function corporaCommand(s: AppServices, args: string[], o: CorporaOptions, out: NodeJS.WritableStream, usage: string): number {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'list': {
        const list = s.corpora.list();
        out.write(o.json ? `${JSON.stringify(list)}\n` : formatCorpora(list));
        return 0;
      }
      case 'import': {
        const file = rest[0];
        if (!file || !o.name) throw new CliError(`corpora import needs a file and --name\n${usage}`);
        const req = parseRequest('corpora.import', { path: path.resolve(file), name: o.name });
        const info = s.corpora.import(req);
        if (o.json) out.write(`${JSON.stringify(info)}\n`);
        else {
          const notes = info.notes.length > 0 ? ` ${info.notes.join(' ')}` : '';
          out.write(`Imported "${info.name}" as ${info.id}: ${info.characters} characters, ${info.lines ?? '?'} lines, ${info.distinctCharacters} distinct characters.${notes}\nTrain on it with --set data.corpus=${info.id} (a sequence run)\n`);
        }
        return 0;
      }
      case 'remove': {
        const id = rest[0];
        if (!id) throw new CliError(`corpora remove needs a corpus id\n${usage}`);
        const req = parseRequest('corpora.remove', { id });
        const removal = s.corpora.remove(req.id);
        out.write(o.json ? `${JSON.stringify(removal)}\n` : `${removal.message}\n`);
        return 0;
      }
      default:
        throw new CliError(`corpora needs list, import or remove${sub ? `, not "${sub}"` : ''}\n${usage}`);
    }
  } catch (e) {
    throw cliError(e);
  }
}
