/**
 * Text corpora through the validated API dispatch (as both transports make
 * each call) over the real services and a real SQLite file: the built-in
 * Genesis text listed first, an import by path, a refused file that leaves
 * nothing behind, a sequence run on an unknown corpus refused on data.corpus,
 * removal, and the imports surviving a restart. The worker is not started.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../main/common/api';
import { createServices, type AppServices } from '../../main/services/appServices';
import { dispatch } from '../../main/services/dispatch';
import { tempDir } from '../helpers/tempDir';

const dataDir = tempDir();
const sources = tempDir('latent-sources-');
let s: AppServices;

beforeAll(() => {
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
});
afterAll(async () => {
  await s.close();
  fs.rmSync(sources, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Outcome<M extends ApiMethod> = { ok: true; result: ApiResponse<M> } | { ok: false; error: { code: string; message: string; issues?: { path: (string | number)[] }[] } };

async function call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<Outcome<M>> {
  return await dispatch(s.handlers, method, req) as Outcome<M>;
}

async function ok<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await call(method, req);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.message}`);
  return r.result;
}

async function refused<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<{ code: string; message: string; issues?: { path: (string | number)[] }[] }> {
  const r = await call(method, req);
  if (r.ok) throw new Error(`${method} should have been refused`);
  return r.error;
}

describe('text corpora through the API', () => {
  it('lists the built-in corpus, imports a UTF-8 file by path and refuses one that is not UTF-8, recording nothing for it', async () => {
    expect((await ok('corpora.list', {})).map((c) => [c.id, c.kind])).toEqual([['kjv-genesis', 'builtin']]);
    const poem = path.join(sources, 'poem.txt');
    // "Wer reitet so spät": 18 code points (ä is one), 1 line.
    fs.writeFileSync(poem, '\uFEFFWer reitet so spät');
    const info = await ok('corpora.import', { name: 'Erlkönig', path: poem });
    expect(info).toMatchObject({ id: 'erlkonig', kind: 'imported', characters: 18, lines: 1, notes: ['A UTF-8 byte-order mark at the start was dropped.'] });
    const latin1 = path.join(sources, 'latin1.txt');
    fs.writeFileSync(latin1, Buffer.from([0x73, 0x70, 0xe4, 0x74]));
    const e = await refused('corpora.import', { name: 'Latin-1', path: latin1 });
    expect(e).toMatchObject({ code: 'bad-request' });
    expect(e.message).toMatch(/offset 2 \(line 1, starting 0xe4\)/);
    expect((await refused('corpora.import', { name: '', path: poem })).code).toBe('bad-request');
    expect((await ok('corpora.list', {})).map((c) => c.id)).toEqual(['kjv-genesis', 'erlkonig']);
    expect(fs.readdirSync(path.join(dataDir, 'corpora'))).toEqual(['erlkonig.txt']);
  });

  it('refuses a sequence run on an unknown corpus, on data.corpus', async () => {
    const experimentId = s.experiments.create('text', '').id;
    const e = await refused('runs.start', { experimentId, config: { family: 'sequence', data: { source: 'text', corpus: 'missing' } } });
    expect(e.code).toBe('bad-request');
    expect(e.issues?.[0]?.path).toEqual(['data', 'corpus']);
    expect(e.message).toMatch(/kjv-genesis .*erlkonig/);
  });

  it('keeps imports across a restart, and removes one (never the built-in)', async () => {
    await s.close();
    s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
    expect((await ok('corpora.list', {})).map((c) => c.id)).toEqual(['kjv-genesis', 'erlkonig']);
    expect((await refused('corpora.remove', { id: 'kjv-genesis' })).code).toBe('bad-request');
    expect(await ok('corpora.remove', { id: 'erlkonig' })).toMatchObject({ id: 'erlkonig', name: 'Erlkönig' });
    expect((await refused('corpora.remove', { id: 'erlkonig' })).code).toBe('not-found');
    expect(fs.readdirSync(path.join(dataDir, 'corpora'))).toEqual([]);
  });
});
