/**
 * Saved architectures end to end: a real `serve` process over HTTP with its
 * token (save a VAE, a second version, train it by id; a GAN refused for a
 * VAE run; a draft saved but refused for training), and the CLI as a user
 * runs it (save, list, versions, show).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchitectureInfo, ArchitectureVersionInfo, RunDetail, RunSummary } from '../../main/common/domain';
import type { WireResult } from '../../main/common/wire';
import type { ModelDocument } from '../../workers/common/graph';
import { ganTemplate } from '../../workers/common/families/gan/templates';
import { vaeTemplate } from '../../workers/common/families/vae/templates';
import { startServe, type ServeProcess } from '../helpers/serveProcess';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const LATENT = 8;
const vae = (name: string): ModelDocument => ({ ...vaeTemplate('mlp', [28, 28, 1], LATENT), name });

/** A VAE whose decoder reshapes 784 values to 27×28×1: a shape error at node "reshape". */
function brokenVae(): ModelDocument {
  const m = vae('draft VAE');
  const reshape = m.parts['decoder']!.nodes.find((n) => n.id === 'reshape')!;
  reshape.params = { targetShape: [27, 28, 1] };
  return m;
}

const tinyVae = (architecture: unknown): unknown => ({
  family: 'vae',
  dataset: { id: 'mnist', trainSize: 100, testSize: 100 },
  architecture,
  hyper: { epochs: 1, batchSize: 32, latentDim: LATENT, seed: 3 },
});

describe('saved architectures over a real serve process', () => {
  let serve: ServeProcess;
  let token: string;

  beforeAll(async () => {
    requireBuilt();
    serve = await startServe(tempDir(), { LATENT_BACKEND: 'wasm' });
    token = new URL(serve.url).searchParams.get('token') ?? '';
  });
  afterAll(async () => { await serve?.stop(); });

  async function call<T>(method: string, body: unknown): Promise<WireResult<T>> {
    const r = await fetch(`${serve.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return (await r.json()) as WireResult<T>;
  }
  async function ok<T>(method: string, body: unknown): Promise<T> {
    const r = await call<T>(method, body);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.message}\n${serve.output()}`);
    return r.result;
  }
  async function waitForEnd(id: number): Promise<RunDetail> {
    for (let i = 0; i < 1200; i++) {
      const d = await ok<RunDetail>('runs.get', { id });
      if (['done', 'failed', 'cancelled', 'interrupted'].includes(d.status)) return d;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`run ${id} did not end`);
  }

  it('needs the token for the new methods too', async () => {
    const r = await fetch(`${serve.origin}/api/architectures.list`, { method: 'POST', headers: { Authorization: 'Bearer wrong' }, body: '{}' });
    expect(r.status).toBe(401);
  });

  it('trains version 2 of a saved VAE by id and records the exact version', async () => {
    const v1 = await ok<ArchitectureInfo>('architectures.save', { name: 'tiny-vae', family: 'vae', architecture: vae('tiny VAE v1'), note: 'first cut' });
    const v2 = await ok<ArchitectureInfo>('architectures.save', { name: 'tiny-vae', family: 'vae', architecture: vae('tiny VAE v2'), note: 'renamed' });
    expect(v1).toMatchObject({ name: 'tiny-vae', family: 'vae', version: 1, versionCount: 1 });
    expect(v2).toMatchObject({ id: v1.id, version: 2, versionCount: 2, note: 'renamed' });
    expect((await ok<ArchitectureInfo[]>('architectures.list', { family: 'vae' })).map((a) => [a.id, a.version])).toEqual([[v1.id, 2]]);

    // A fresh data folder has no experiment: each test makes its own.
    const experiments = [await ok<{ id: number }>('experiments.create', { name: 'architectures 1' })];
    const started = await ok<RunSummary>('runs.start', { experimentId: experiments[0]!.id, config: tinyVae({ architectureId: v1.id }) });
    const detail = await waitForEnd(started.id);
    expect(detail.status, detail.error ?? '').toBe('done');
    expect(detail).toMatchObject({ architectureId: v1.id, architectureVersion: 2, config: { architecture: { architectureId: v1.id } } });
    // The run holds the resolved document: the worker never sees the id.
    expect(detail.architecture).toMatchObject({ format: 'latent-model', name: 'tiny VAE v2' });
    expect(Number.isFinite(detail.latest['elbo'])).toBe(true);

    const versions = await ok<ArchitectureVersionInfo[]>('architectures.versions', { id: v1.id });
    expect(versions.map((v) => [v.version, v.note, v.runCount])).toEqual([[2, 'renamed', 1], [1, 'first cut', 0]]);
    expect((await ok<ArchitectureInfo>('architectures.get', { id: v1.id, version: 1 })).architecture).toMatchObject({ name: 'tiny VAE v1' });
  });

  it('refuses a GAN architecture for a VAE run, and another family under a VAE\'s name', async () => {
    const g = await ok<ArchitectureInfo>('architectures.save', { name: 'tiny-gan', family: 'gan', architecture: ganTemplate('mlp', [28, 28, 1], 16) });
    // A fresh data folder has no experiment: each test makes its own.
    const experiments = [await ok<{ id: number }>('experiments.create', { name: 'architectures 2' })];
    const refused = await call('runs.start', { experimentId: experiments[0]!.id, config: tinyVae({ architectureId: g.id }) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request', message: `Architecture ${g.id} "tiny-gan" (version 1) is a gan architecture: a vae run needs a vae architecture` } });

    const mismatch = await call('architectures.save', { name: 'tiny-vae', family: 'gan', architecture: ganTemplate('mlp', [28, 28, 1], 16) });
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('"tiny-vae" is a vae architecture') as unknown } });
    const wrongKind = await call('architectures.save', { name: 'other', family: 'vae', architecture: ganTemplate('mlp', [28, 28, 1], 16) });
    expect(wrongKind).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('saves a draft with a shape error, and refuses a run from it naming the node', async () => {
    const draft = await ok<ArchitectureInfo>('architectures.save', { name: 'draft-vae', family: 'vae', architecture: brokenVae(), note: 'work in progress' });
    expect(draft).toMatchObject({ version: 1, note: 'work in progress' });
    // A fresh data folder has no experiment: each test makes its own.
    const experiments = [await ok<{ id: number }>('experiments.create', { name: 'architectures 3' })];
    const before = (await ok<RunSummary[]>('runs.list', {})).length;
    const refused = await call('runs.start', { experimentId: experiments[0]!.id, config: tinyVae({ architectureId: draft.id, version: 1 }) });
    if (refused.ok) throw new Error('the draft should not train');
    expect(refused.error.code).toBe('bad-request');
    expect(refused.error.message).toContain(`The architecture "draft-vae" (architecture ${draft.id} version 1) cannot be trained`);
    expect(refused.error.issues?.some((i) => i.path[0] === 'architecture' && i.message.startsWith('node reshape: decoder: '))).toBe(true);
    expect((await ok<RunSummary[]>('runs.list', {})).length).toBe(before);
  });
});

describe('architectures in the CLI', () => {
  const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
  const dataDir = tempDir();
  const env = { ...process.env, LATENT_BACKEND: 'wasm' };
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--data', dataDir], { env, encoding: 'utf8' });

  it('saves from a file, lists, shows a version and lists versions', () => {
    requireBuilt();
    const file = path.join(dataDir, 'vae.json');
    fs.writeFileSync(file, JSON.stringify(vae('cli VAE')));
    const saved = run('architectures', 'save', '--name', 'cli-vae', '--family', 'vae', '--file', file, '--note', 'from the CLI');
    expect(saved.status, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/^Saved "cli-vae" \(vae\) as 1@1\./);
    fs.writeFileSync(file, JSON.stringify(vae('cli VAE 2')));
    const again = run('architectures', 'save', '--name', 'cli-vae', '--family', 'vae', '--file', file, '--fork-of', '1@1', '--json');
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ id: 1, version: 2, forkOf: { id: 1, version: 1 } });

    const list = run('architectures', 'list', '--family', 'vae');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^id\s+name\s+family\s+latest\s+versions/);
    expect(list.stdout).toMatch(/1\s+cli-vae\s+vae\s+v2\s+2\s+0\s+1@1/);
    expect(run('architectures', 'list', '--family', 'gan').stdout).toContain('No saved architectures');

    const show = run('architectures', 'show', '1@1');
    expect(show.status, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toEqual(vae('cli VAE'));
    expect((JSON.parse(run('architectures', 'show', '1').stdout) as ModelDocument).name).toBe('cli VAE 2');

    const versions = run('architectures', 'versions', '1');
    expect(versions.stdout).toMatch(/1@2 .*1@1/);
    expect(versions.stdout).toContain('from the CLI');
  });

  it('refuses a family mismatch, a missing version and a document of the wrong kind, with exit codes', () => {
    const file = path.join(dataDir, 'gan.json');
    fs.writeFileSync(file, JSON.stringify(ganTemplate('mlp', [28, 28, 1], 16)));
    const mismatch = run('architectures', 'save', '--name', 'cli-vae', '--family', 'gan', '--file', file);
    expect(mismatch.status).toBe(1);
    expect(mismatch.stderr).toContain('"cli-vae" is a vae architecture');
    const wrongKind = run('architectures', 'save', '--name', 'other', '--family', 'vae', '--file', file);
    expect(wrongKind.status).toBe(2);
    expect(wrongKind.stderr).toContain('does not fit family \'vae\'');
    const missing = run('architectures', 'show', '1@9');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Architecture 1 has no version 9');
    expect(run('architectures', 'show', 'one').status).toBe(2);
    expect(run('architectures', 'save', '--name', 'x').status).toBe(2);
  });
});
