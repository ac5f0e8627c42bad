/**
 * Text corpora over a real SQLite store in a temp folder: the built-in
 * Genesis text, importing a UTF-8 file (and refusing one that is not, or is
 * empty, with nothing recorded), the list's statistics, removal, the
 * vocabulary size a run's contract gets, and how a sequence run on a corpus
 * is checked, sized and started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../main/common/api';
import { builtinCorporaDir, CorpusService } from '../../../main/services/corpusService';
import { openStore } from '../../../db/openStore';
import type { Store } from '../../../db/storeTypes';
import { runConfigSchema } from '../../../workers/common/families/registry';
import type { StartMessage } from '../../../workers/common/protocol';
import { buildVocabulary } from '../../../workers/common/sequence/vocabulary';
import { firstCharacters, loadCorpusText } from '../../../workers/data/textCorpus';
import { removeTempDirs, tempDir } from '../db/helpers';
import { closeFakeRunServices, fakeRunService } from './fakeRunService';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) s.close();
  await closeFakeRunServices();
  removeTempDirs();
});

function setup(): { dataDir: string; store: Store; corpora: CorpusService; file: (name: string, bytes: Uint8Array | string) => string } {
  const dataDir = tempDir();
  const store = openStore(path.join(dataDir, 'workbench.sqlite'));
  stores.push(store);
  const sources = tempDir();
  const file = (name: string, bytes: Uint8Array | string): string => {
    const p = path.join(sources, name);
    fs.writeFileSync(p, bytes);
    return p;
  };
  return { dataDir, store, corpora: new CorpusService(store, dataDir), file };
}

/** The error a call throws, as an ApiError (fails the test when it does not throw one). */
function refusal(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

/** Files under <data>/corpora (none when the folder was never made). */
function corpusFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'corpora');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

// "abba\ncab\n": 9 characters, a×3 b×3 \n×2 c×1, 2 lines; words abba, \n, cab, \n.
const SMALL = 'abba\ncab\n';
const smallBits = (2 / 3) * Math.log2(3) + (2 / 9) * Math.log2(9 / 2) + (1 / 9) * Math.log2(9);

describe('the built-in corpus', () => {
  const file = path.join(builtinCorporaDir(), 'kjv-genesis.txt');

  it('is shipped in the repo as valid UTF-8 of more than 150 KB, starting with its heading and Genesis 1:1', async () => {
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBeGreaterThan(150_000);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).not.toThrow();
    const text = await loadCorpusText(file);
    expect(text.startsWith('Genesis\n\nIn the beginning God created the heaven and the earth.\n')).toBe(true);
    // 50 chapters: 49 blank lines between them, plus the one after the heading.
    expect(text.split('\n\n')).toHaveLength(51);
  });

  it('is listed first with its statistics, and cannot be removed', () => {
    const { corpora } = setup();
    const [genesis] = corpora.list();
    // 23 capitals (no Q, V, X), 26 small letters, ! ' ( ) , . : ; ?, space and newline.
    expect(genesis).toMatchObject({ id: 'kjv-genesis', kind: 'builtin', distinctCharacters: 60, charVocabularySize: 64, sourcePath: null, error: null });
    // 1533 verses, 50 chapter gaps, the heading: 1533 + 49 + 2 lines.
    expect(genesis?.lines).toBe(1533 + 49 + 2);
    expect(genesis?.unigramBitsPerChar).toBeGreaterThan(3);
    expect(genesis?.unigramBitsPerChar).toBeLessThan(Math.log2(60));
    const e = refusal(() => corpora.remove('kjv-genesis'));
    expect(e.code).toBe('bad-request');
    expect(e.message).toMatch(/built in/);
  });
});

describe('CorpusService', () => {
  it('imports a UTF-8 file: the decoded text copied into <data>/corpora, its row, and its statistics in the list', () => {
    const { dataDir, store, corpora, file } = setup();
    const source = file('small.txt', 'abba\r\ncab\r\n');
    const info = corpora.import({ name: ' Small text ', path: source });
    expect(info).toMatchObject({
      id: 'small-text', name: 'Small text', kind: 'imported', sourcePath: source, characters: 9, lines: 2, distinctCharacters: 4,
      charVocabularySize: 8, notes: ['2 Windows line endings (CRLF) became LF.'], error: null,
    });
    expect(info.unigramBitsPerChar).toBeCloseTo(smallBits, 12);
    expect(info.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fs.readFileSync(path.join(dataDir, 'corpora', 'small-text.txt'), 'utf8')).toBe(SMALL);
    expect(store.getCorpus('small-text')).toMatchObject({ characters: 9, distinctCharacters: 4, contentHash: info.contentHash });
    expect(corpora.list().map((c) => c.id)).toEqual(['kjv-genesis', 'small-text']);
    expect(corpora.fileOf('small-text')).toBe(path.join(dataDir, 'corpora', 'small-text.txt'));
    // The same name (any case) or the same text again is refused.
    expect(refusal(() => corpora.import({ name: 'SMALL TEXT', path: source })).code).toBe('conflict');
    expect(refusal(() => corpora.import({ name: 'Other', path: source })).message).toMatch(/already imported as "Small text"/);
  });

  it('refuses bytes that are not UTF-8, naming the offset and line, and records nothing', () => {
    const { dataDir, store, corpora, file } = setup();
    const e = refusal(() => corpora.import({ name: 'Latin-1', path: file('bad.txt', Uint8Array.from([0x61, 0x0a, 0xc3, 0x28])) }));
    expect(e.code).toBe('bad-request');
    expect(e.message).toMatch(/not valid UTF-8.*offset 2 \(line 2, starting 0xc3\)/);
    expect(store.listCorpora()).toEqual([]);
    expect(corpusFiles(dataDir)).toEqual([]);
  });

  it('refuses an empty file, a folder and a missing file, and records nothing', () => {
    const { dataDir, store, corpora, file } = setup();
    const empty = file('empty.txt', '');
    expect(refusal(() => corpora.import({ name: 'Empty', path: empty })).message).toMatch(/The file is empty/);
    expect(refusal(() => corpora.import({ name: 'Folder', path: path.dirname(empty) })).message).toMatch(/is a folder, not a text file/);
    expect(refusal(() => corpora.import({ name: 'Gone', path: path.join(path.dirname(empty), 'gone.txt') })).message).toMatch(/cannot be read/);
    expect(store.listCorpora()).toEqual([]);
    expect(corpusFiles(dataDir)).toEqual([]);
  });

  it('removes an imported corpus and its text; a second removal is not-found', () => {
    const { dataDir, corpora, file } = setup();
    corpora.import({ name: 'Small', path: file('s.txt', SMALL) });
    expect(corpora.vocabularySize('small', 'char', 10)).toBe(8);
    expect(corpora.remove('small')).toMatchObject({ id: 'small', name: 'Small' });
    expect(corpusFiles(dataDir)).toEqual([]);
    expect(corpora.list().map((c) => c.id)).toEqual(['kjv-genesis']);
    expect(refusal(() => corpora.remove('small')).code).toBe('not-found');
    expect(refusal(() => corpora.vocabularySize('small', 'char', 10)).issues).toEqual([{ path: ['data', 'corpus'], message: expect.stringContaining('kjv-genesis') }]);
  });

  it('sizes the vocabulary as the worker builds it: char level, word level with its cap, a prefix', async () => {
    const { corpora, file } = setup();
    corpora.import({ name: 'Small', path: file('s.txt', SMALL) });
    // Reserved 4 + a, b, \n, c.
    expect(corpora.vocabularySize('small', 'char', 10)).toBe(8);
    // Reserved 4 + abba, \n, cab; a cap of 5 keeps the most frequent (\n).
    expect(corpora.vocabularySize('small', 'word', 10)).toBe(7);
    expect(corpora.vocabularySize('small', 'word', 5)).toBe(5);
    // The first 4 characters, "abba": reserved 4 + a, b.
    expect(corpora.vocabularySize('small', 'char', 10, 4)).toBe(6);
    const genesis = await loadCorpusText(path.join(builtinCorporaDir(), 'kjv-genesis.txt'));
    expect(corpora.vocabularySize('kjv-genesis', 'char', 10_000)).toBe(buildVocabulary(genesis, { level: 'char', lowercase: false }).tokens.length);
    expect(corpora.vocabularySize('kjv-genesis', 'char', 10_000)).toBe(64);
    expect(corpora.vocabularySize('kjv-genesis', 'word', 500)).toBe(500);
    expect(corpora.vocabularySize('kjv-genesis', 'word', 100_000, 1000)).toBe(buildVocabulary(genesis.slice(0, 1000), { level: 'word', lowercase: false, maxSize: 100_000 }).tokens.length);
  });

  it('cuts a prefix by code points, never inside a surrogate pair', () => {
    expect(firstCharacters('a😀b', 2)).toBe('a😀');
    expect(firstCharacters('ab', 5)).toBe('ab');
  });
});

describe('a sequence run on a text corpus', () => {
  const textRun = (corpus: string, extra: Record<string, unknown> = {}) => runConfigSchema.parse({
    family: 'sequence', data: { source: 'text', corpus, sequenceLength: 4, ...extra }, hyper: { epochs: 1 },
  });

  it('is refused on data.corpus when the corpus does not exist, naming the ones that do', () => {
    const t = fakeRunService({ maxConcurrentRuns: 1 });
    const e = refusal(() => t.runs.start(t.experimentId, textRun('nope')));
    expect(e.code).toBe('bad-request');
    expect(e.issues?.[0]?.path).toEqual(['data', 'corpus']);
    expect(e.message).toMatch(/no text corpus "nope"; available: kjv-genesis \(Genesis \(King James Version\)\)/);
    expect(t.store.listRuns({}).length).toBe(0);
  });

  it('gets a template sized to the corpus vocabulary, and its worker the corpus file by absolute path', () => {
    const t = fakeRunService({ maxConcurrentRuns: 1 });
    const source = path.join(tempDir(), 'small.txt');
    fs.writeFileSync(source, SMALL);
    t.corpora.import({ name: 'Small', path: source });
    const run = t.runs.start(t.experimentId, textRun('small'));
    const layers = JSON.stringify(t.runs.detail(run.id).architecture);
    // Vocabulary 8 (reserved 4 + a, b, \n, c): the embedding reads 8 ids, the softmax predicts 8.
    expect(layers).toMatch(/"inputDim":8/);
    expect(layers).toMatch(/"units":8,"activation":"softmax"/);
    const start = t.hosts[0]?.sent.find((m): m is StartMessage => m.type === 'start');
    expect(start?.corpus).toEqual({ id: 'small', file: path.join(t.dataDir, 'corpora', 'small.txt') });
    expect(path.isAbsolute(start?.corpus?.file ?? '')).toBe(true);
  });

  it('fails at start, saying why, when its corpus was removed while it was queued', async () => {
    const t = fakeRunService({ maxConcurrentRuns: 1 });
    const source = path.join(tempDir(), 'small.txt');
    fs.writeFileSync(source, SMALL);
    t.corpora.import({ name: 'Small', path: source });
    const first = t.runs.start(t.experimentId, textRun('kjv-genesis'));
    const queued = t.runs.start(t.experimentId, textRun('small'));
    expect(queued.status).toBe('queued');
    t.corpora.remove('small');
    t.hosts[0]?.emit({ type: 'done', final: {} });
    const ended = t.runs.waitForEnd(queued.id);
    t.hosts[0]?.exit({ code: 0 });
    await expect(ended).resolves.toBe('failed');
    expect(t.runs.detail(first.id).status).toBe('done');
    expect(t.runs.detail(queued.id)).toMatchObject({ status: 'failed', error: 'Text corpus "small" no longer exists (it was removed before this run started)' });
    expect(t.hosts).toHaveLength(1);
  });
});
