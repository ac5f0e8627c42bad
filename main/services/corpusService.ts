/**
 * Text corpora for the sequence family (issue 12), seen from the main side:
 * the built-in one shipped with the app, and the user's imported UTF-8 files
 * (rows in SQLite, the decoded text in <data>/corpora/<id>.txt). An import is
 * read and decoded whole before anything is written, so a refused file leaves
 * no row and no file. Runs resolve their `data.corpus` here: whether it
 * exists, its file for the worker, and its vocabulary size for the contract.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CorpusRecord, Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { CorpusInfo, CorpusRemoval } from '../common/domain';
import { DEFAULT_CORPUS } from '../../workers/common/families/sequence/config';
import { decodeTextFile, textStatistics } from '../../workers/common/sequence/textCorpus';
import { RESERVED_TOKENS, type TokenLevel } from '../../workers/common/sequence/vocabulary';
import { corpusVocabulary, loadCorpusTextSync } from '../../workers/data/textCorpus';
import { appRoot } from './appInfo';
import { slugify } from './datasetService';
import { ImportProgressReporter, type ProgressSink } from './importProgress';

/** A corpus shipped with the app: its text is workers/data/corpora/<file> (dist/workers/data/corpora once built). */
interface BuiltinCorpus { id: string; name: string; description: string; file: string }

export const builtinCorpora: readonly BuiltinCorpus[] = [{
  id: DEFAULT_CORPUS,
  name: 'Genesis (King James Version)',
  description: 'The Book of Genesis in the King James Version (public domain): one verse per line, a blank line between chapters. Built in.',
  file: 'kjv-genesis.txt',
}];

/**
 * The folder of the built-in corpora: the source folder when there is one
 * (tests, a checkout), else the build's copy; in a packaged app the copy
 * unpacked beside the asar archive, since the worker reads it by path.
 */
export function builtinCorporaDir(root: string = appRoot): string {
  const source = path.join(root, 'workers', 'data', 'corpora');
  if (fs.existsSync(source)) return source;
  const built = path.join(root, 'dist', 'workers', 'data', 'corpora');
  const unpacked = built.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
  return unpacked !== built && fs.existsSync(unpacked) ? unpacked : built;
}

/** The numbers list() shows for a text, computed once per content. */
interface TextFacts { characters: number; lines: number; distinctCharacters: number; unigramBitsPerChar: number; contentHash: string }

function sha256(text: string): string {
  return `sha256:${crypto.createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

function factsOf(text: string, contentHash: string = sha256(text)): TextFacts {
  const stats = textStatistics(text, corpusVocabulary(text, { level: 'char', vocabularyCap: 0 }));
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  if (!text.endsWith('\n')) lines++;
  return { characters: stats.characters, lines, distinctCharacters: stats.distinctCharacters, unigramBitsPerChar: stats.unigramBitsPerChar, contentHash };
}

export class CorpusService {
  private readonly root: string;
  private readonly builtinDir: string;
  /** Facts by corpus id and content hash. */
  private readonly facts = new Map<string, TextFacts>();
  /** Vocabulary sizes by (id, content, level, cap, maxCharacters). */
  private readonly sizes = new Map<string, number>();

  /** `progress` hears each import's stages (datasets.onDidImportProgress with target 'corpus'). */
  constructor(private readonly store: Store, dataDir: string, builtinDir: string = builtinCorporaDir(), private readonly progress?: ProgressSink) {
    this.root = path.join(dataDir, 'corpora');
    this.builtinDir = builtinDir;
  }

  /** The built-in corpora first, then the imported ones, oldest first, each with its statistics. */
  list(): CorpusInfo[] {
    return [...builtinCorpora.map((b) => this.builtinInfo(b)), ...this.store.listCorpora().map((r) => this.importedInfo(r))];
  }

  /** The absolute path of corpus `id`'s text (what the worker reads), or undefined when there is no such corpus. */
  fileOf(id: string): string | undefined {
    const builtin = builtinCorpora.find((b) => b.id === id);
    if (builtin) return path.join(this.builtinDir, builtin.file);
    return this.store.getCorpus(id) ? path.join(this.root, `${id}.txt`) : undefined;
  }

  /** The corpus's file, or a bad-request error on `data.corpus` naming the corpora there are. */
  require(id: string): string {
    const file = this.fileOf(id);
    if (file !== undefined) return file;
    const known = this.list().map((c) => `${c.id} (${c.name})`).join(', ');
    const message = `There is no text corpus "${id}"; available: ${known}. Import a UTF-8 text file on the Datasets page or with \`corpora import\`.`;
    throw new ApiError('bad-request', message, [{ path: ['data', 'corpus'], message }]);
  }

  /**
   * The size of the vocabulary a run builds over corpus `id` (its first
   * `maxCharacters` characters when given), reserved tokens included: the
   * same text and options as the worker (workers/data/textCorpus.ts), so the
   * contract's output size is the one it trains with. Cached per content.
   */
  vocabularySize(id: string, level: TokenLevel, vocabularyCap: number, maxCharacters?: number): number {
    const file = this.require(id);
    const key = `${id}\0${this.hashOf(id)}\0${level}\0${level === 'word' ? vocabularyCap : ''}\0${maxCharacters ?? ''}`;
    const hit = this.sizes.get(key);
    if (hit !== undefined) return hit;
    let text: string;
    try {
      text = loadCorpusTextSync(file, maxCharacters);
    } catch (e) {
      const message = (e as Error).message;
      throw new ApiError('conflict', message, [{ path: ['data', 'corpus'], message }]);
    }
    const size = corpusVocabulary(text, { level, vocabularyCap }).tokens.length;
    this.sizes.set(key, size);
    return size;
  }

  /**
   * Reads a UTF-8 text file on this machine, checks it and records it; a
   * refused file records nothing. Synchronous from the check of the name to
   * the row, so two imports in this process cannot take the same name or id
   * (another process's is caught by the table's UNIQUE constraints).
   */
  import(req: { name: string; path: string }): CorpusInfo {
    const name = req.name.trim();
    const source = path.resolve(req.path);
    const taken = [...builtinCorpora, ...this.store.listCorpora()].find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (taken) throw new ApiError('conflict', `A text corpus named "${taken.name}" already exists (id ${taken.id}): choose another name`);
    const progress = new ImportProgressReporter(this.progress, 'corpus', name);
    const text = this.readSource(name, source, progress);
    const decoded = text.text;
    progress.mark('checksum', false);
    const facts = factsOf(decoded);
    const same = this.store.listCorpora().find((c) => c.contentHash === facts.contentHash);
    if (same) throw new ApiError('conflict', `The same text is already imported as "${same.name}" (id ${same.id})`);
    const id = this.newId(name);
    const target = path.join(this.root, `${id}.txt`);
    let placed = false;
    try {
      fs.mkdirSync(this.root, { recursive: true });
      const staging = path.join(this.root, `.import-${id}-${process.pid}.txt`);
      fs.writeFileSync(staging, decoded, 'utf8');
      fs.renameSync(staging, target);
      placed = true;
      const record = this.insert({
        id, name, sourcePath: source, characters: facts.characters, distinctCharacters: facts.distinctCharacters,
        contentHash: facts.contentHash, notes: text.notes.join('\n'),
      });
      placed = false;
      this.facts.set(`${id}\0${facts.contentHash}`, facts);
      progress.mark('done', true, facts.contentHash);
      return this.importedInfo(record);
    } finally {
      if (placed) fs.rmSync(target, { force: true });
    }
  }

  /** Removes an imported corpus and its text. Runs that trained on it keep their configs and records; the built-in one stays. */
  remove(id: string): CorpusRemoval {
    const builtin = builtinCorpora.find((b) => b.id === id);
    if (builtin) throw new ApiError('bad-request', `${builtin.name} (${builtin.id}) is built in and cannot be removed`);
    const record = this.store.getCorpus(id);
    if (!record) throw new ApiError('not-found', `There is no imported text corpus "${id}"`);
    this.store.deleteCorpus(id);
    fs.rmSync(path.join(this.root, `${id}.txt`), { force: true });
    for (const key of [...this.facts.keys(), ...this.sizes.keys()]) {
      if (key.startsWith(`${id}\0`)) {
        this.facts.delete(key);
        this.sizes.delete(key);
      }
    }
    return { id, name: record.name, message: `Removed "${record.name}" and its text. Runs that trained on it keep their records, but cannot be resumed or reproduced until a corpus with id ${id} exists again.` };
  }

  /** The file's bytes as strict UTF-8; a corpus is one file read at once, so 'read' reports 0 then all of its bytes. */
  private readSource(name: string, source: string, progress: ImportProgressReporter): { text: string; notes: string[] } {
    let bytes: Uint8Array;
    try {
      const st = fs.statSync(source);
      if (st.isDirectory()) throw new ApiError('bad-request', `Cannot import "${name}": ${source} is a folder, not a text file`);
      progress.report('read', 0, st.size, 'bytes');
      bytes = fs.readFileSync(source);
      progress.report('read', bytes.length, bytes.length, 'bytes');
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError('bad-request', `Cannot import "${name}": the file ${source} cannot be read on this machine (${(e as Error).message})`);
    }
    const decoded = decodeTextFile(bytes);
    if (!decoded.ok) throw new ApiError('bad-request', `Cannot import "${name}" from ${source}: ${decoded.error}`);
    return { text: decoded.text, notes: decoded.notes };
  }

  private insert(c: Parameters<Store['createCorpus']>[0]): CorpusRecord {
    try {
      return this.store.createCorpus(c);
    } catch (e) {
      // Another process (the CLI beside the app) recorded the same name or id first.
      if (/UNIQUE/.test((e as Error).message)) throw new ApiError('conflict', `A text corpus named "${c.name}" (or with id ${c.id}) was just imported by another process: choose another name`);
      throw e;
    }
  }

  /** A fresh id from the name: never a built-in one, an imported one, or one whose file is still there. */
  private newId(name: string): string {
    // slugify falls back to 'dataset' for a name without latin letters or digits: a corpus is not one.
    const slug = slugify(name);
    const base = slug === 'dataset' && !/dataset/i.test(name) ? 'corpus' : slug;
    const free = (id: string): boolean => !builtinCorpora.some((b) => b.id === id)
      && !this.store.getCorpus(id) && !fs.existsSync(path.join(this.root, `${id}.txt`));
    if (free(base)) return base;
    for (let n = 2; ; n++) if (free(`${base}-${n}`)) return `${base}-${n}`;
  }

  /** The content hash a corpus's cached numbers are keyed by (the built-in one's is its id: it changes only with the app). */
  private hashOf(id: string): string {
    return this.store.getCorpus(id)?.contentHash ?? 'builtin';
  }

  /** The text's facts (cached), or the reason its file cannot be read. */
  private factsFor(id: string, file: string, contentHash?: string): TextFacts | { error: string } {
    const key = `${id}\0${contentHash ?? 'builtin'}`;
    const hit = this.facts.get(key);
    if (hit) return hit;
    try {
      const facts = factsOf(loadCorpusTextSync(file), contentHash);
      this.facts.set(key, facts);
      return facts;
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  private builtinInfo(b: BuiltinCorpus): CorpusInfo {
    const facts = this.factsFor(b.id, path.join(this.builtinDir, b.file));
    if ('error' in facts) throw new Error(`The built-in corpus ${b.id} is missing from this installation: ${facts.error}`);
    return {
      id: b.id, name: b.name, description: b.description, kind: 'builtin', sourcePath: null, ...this.stats(facts),
      contentHash: facts.contentHash, notes: [], createdAt: null, error: null,
    };
  }

  private importedInfo(r: CorpusRecord): CorpusInfo {
    const facts = this.factsFor(r.id, path.join(this.root, `${r.id}.txt`), r.contentHash);
    const readable = 'error' in facts ? null : facts;
    return {
      id: r.id, name: r.name, description: `Imported from ${r.sourcePath}.${r.notes ? ` ${r.notes}` : ''}`, kind: 'imported', sourcePath: r.sourcePath,
      characters: r.characters, lines: readable?.lines ?? null, distinctCharacters: r.distinctCharacters, charVocabularySize: r.distinctCharacters + RESERVED_TOKENS.length,
      unigramBitsPerChar: readable?.unigramBitsPerChar ?? null, contentHash: r.contentHash, notes: r.notes === '' ? [] : r.notes.split('\n'),
      createdAt: r.createdAt, error: 'error' in facts ? facts.error : null,
    };
  }

  private stats(f: TextFacts): Pick<CorpusInfo, 'characters' | 'lines' | 'distinctCharacters' | 'charVocabularySize' | 'unigramBitsPerChar'> {
    return { characters: f.characters, lines: f.lines, distinctCharacters: f.distinctCharacters, charVocabularySize: f.distinctCharacters + RESERVED_TOKENS.length, unigramBitsPerChar: f.unigramBitsPerChar };
  }
}
