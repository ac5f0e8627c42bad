/**
 * Saved architectures through the contract (schemas, dispatch, the real
 * services over a temp data dir) and the run-config resolver, without training.
 */
import { formatIssue } from '../../../workers/common/runConfigBase';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, parseRequest, type ApiMethod, type ApiResponse } from '../../../main/common/api';
import type { ArchitectureInfo } from '../../../main/common/domain';
import { resolveArchitecture } from '../../../main/services/architectureResolver';
import { createServices, type AppServices } from '../../../main/services/appServices';
import { dispatch } from '../../../main/services/dispatch';
import type { WireResult } from '../../../main/common/wire';
import { datasetCatalogue } from '../../../workers/common/datasets';
import type { GraphDocument, ModelDocument } from '../../../workers/common/graph';
import { autoencoderTemplate } from '../../../workers/common/families/autoencoder/templates';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import { classifierTemplate } from '../../../workers/common/families/classifier/templates';
import { vaeTemplate } from '../../../workers/common/families/vae/templates';
import { runConfigSchema, type RunConfigInput } from '../../../workers/common/runConfig';

const mnist = datasetCatalogue.mnist;
const vae = (): ModelDocument => vaeTemplate('mlp', [28, 28, 1], 16);
const gan = (): ModelDocument => ganTemplate('mlp', [28, 28, 1], 64);
const clf = (): GraphDocument => classifierTemplate('mlp', [28, 28, 1], 10);

/** A VAE whose decoder reshapes 784 values to 27×28×1: a shape error at node "reshape". */
function brokenVae(): ModelDocument {
  const m = vae();
  const reshape = m.parts['decoder']!.nodes.find((n) => n.id === 'reshape')!;
  reshape.params = { targetShape: [27, 28, 1] };
  return { ...m, name: 'broken VAE' };
}

function issuesOf(method: ApiMethod, raw: unknown): string {
  try {
    parseRequest(method, raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return (e as ApiError).issues?.map(formatIssue).join('\n') ?? '';
  }
  return '';
}

describe('architecture request schemas', () => {
  it('accepts each family with the document it trains, and fills the graph defaults', () => {
    const saved = parseRequest('architectures.save', { name: ' v ', family: 'vae', architecture: vae(), note: ' first ' });
    expect(saved).toMatchObject({ name: 'v', family: 'vae', note: 'first' });
    expect(parseRequest('architectures.save', { name: 'g', family: 'gan', architecture: gan(), forkOf: { id: 1, version: 2 } }).forkOf).toEqual({ id: 1, version: 2 });
    const graph = clf();
    const noPorts = { ...graph, edges: graph.edges.map(({ from, to }) => ({ from, to })) };
    const c = parseRequest('architectures.save', { name: 'c', family: 'classifier', architecture: noPorts });
    expect(c.architecture).toEqual(graph);
    expect(parseRequest('architectures.list', {})).toEqual({});
    expect(parseRequest('architectures.list', { family: 'gan' })).toEqual({ family: 'gan' });
    expect(parseRequest('architectures.get', { id: 3 })).toEqual({ id: 3 });
    expect(parseRequest('architectures.get', { id: 3, version: 2 })).toEqual({ id: 3, version: 2 });
    expect(parseRequest('architectures.versions', { id: 3 })).toEqual({ id: 3 });
  });

  it('accepts a draft whose graphs have shape errors: training is what refuses it', () => {
    expect(issuesOf('architectures.save', { name: 'draft', family: 'vae', architecture: brokenVae() })).toBe('');
    const unknownKind = clf();
    unknownKind.nodes[1]!.kind = 'not-a-layer';
    expect(issuesOf('architectures.save', { name: 'draft', family: 'classifier', architecture: unknownKind })).toBe('');
  });

  it('refuses a document whose kind or parts do not fit the family, with a message that says why', () => {
    expect(issuesOf('architectures.save', { name: 'x', family: 'vae', architecture: clf() }))
      .toBe('architecture: The document does not fit family \'vae\': a vae architecture is a model (format "latent-model") with the parts "encoder" and "decoder", not a single graph');
    expect(issuesOf('architectures.save', { name: 'x', family: 'classifier', architecture: vae() }))
      .toContain('a classifier architecture is one graph (format "latent-graph"), not a model of parts (encoder, decoder)');
    expect(issuesOf('architectures.save', { name: 'x', family: 'vae', architecture: gan() }))
      .toContain('a vae architecture has exactly the parts "encoder" and "decoder": it has no "encoder" or "decoder" part, and it has the unexpected parts "generator", "discriminator"');
    const extra = vae();
    extra.parts['critic'] = clf();
    expect(issuesOf('architectures.save', { name: 'x', family: 'autoencoder', architecture: extra })).toContain('it has the unexpected part "critic"');
    const { decoder: _decoder, ...encoderOnly } = vae().parts;
    expect(issuesOf('architectures.save', { name: 'x', family: 'vae', architecture: { ...vae(), parts: encoderOnly } })).toContain('it has no "decoder" part');
  });

  it('refuses bad families, long notes, half forks and malformed documents', () => {
    expect(issuesOf('architectures.save', { name: 'x', family: 'pca', architecture: vae() })).toContain("family: family must be 'classifier', 'autoencoder', 'vae', 'gan' or 'sequence'");
    expect(issuesOf('architectures.list', { family: 'quantum' })).toContain('family must be');
    expect(issuesOf('architectures.save', { name: 'x', family: 'vae', architecture: vae(), note: 'n'.repeat(501) })).toContain('note: note must be at most 500 characters');
    expect(issuesOf('architectures.save', { name: '  ', family: 'vae', architecture: vae() })).toContain('name: name must not be empty');
    expect(issuesOf('architectures.save', { name: 'x', family: 'vae', architecture: vae(), forkOf: { id: 1 } })).toContain('forkOf.version');
    expect(issuesOf('architectures.save', { name: 'x', family: 'vae', architecture: { format: 'latent-model', version: 1, name: 'm' } })).toContain('architecture.parts: ');
    expect(issuesOf('architectures.save', { name: 'x', family: 'vae', architecture: { format: 'onnx' } }))
      .toBe('architecture.format: format must be "latent-graph" (one graph) or "latent-model" (a model of named parts)');
    expect(issuesOf('architectures.save', { name: 'x', family: 'vae', architecture: null })).toContain('architecture: ');
    expect(issuesOf('architectures.save', { name: 'x', family: 'vae', graph: vae() })).not.toBe('');
    expect(issuesOf('architectures.get', { id: 1, version: 0 })).toContain('version: version must be at least 1');
    expect(issuesOf('architectures.versions', {})).toContain('id');
  });

  it('run configs of every network family accept a saved architecture, with or without a version', () => {
    for (const family of ['classifier', 'autoencoder', 'vae', 'gan'] as const) {
      const parsed = runConfigSchema.parse({ family, architecture: { architectureId: 4 } } satisfies RunConfigInput);
      expect('architecture' in parsed && parsed.architecture).toEqual({ architectureId: 4 });
      const exact = runConfigSchema.parse({ family, architecture: { architectureId: 4, version: 2 } });
      expect('architecture' in exact && exact.architecture).toEqual({ architectureId: 4, version: 2 });
    }
    expect(runConfigSchema.safeParse({ family: 'vae', architecture: { architectureId: 0 } }).success).toBe(false);
    expect(runConfigSchema.safeParse({ family: 'gan', architecture: { architectureId: 1, version: 1.5 } }).success).toBe(false);
  });
});

describe('architectures through dispatch and the real services', () => {
  let dir: string;
  let s: AppServices;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-arch-api-'));
    s = createServices({ dataDir: dir, env: { LATENT_BACKEND: 'cpu' } });
  });
  afterAll(async () => {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function call<M extends ApiMethod>(method: M, req: unknown): Promise<WireResult<ApiResponse<M>>> {
    return await dispatch(s.handlers, method, req) as WireResult<ApiResponse<M>>;
  }
  async function ok<M extends ApiMethod>(method: M, req: unknown): Promise<ApiResponse<M>> {
    const r = await call(method, req);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.message}`);
    return r.result;
  }

  it('saves, versions, lists by family, gets and forks', async () => {
    const v1 = await ok('architectures.save', { name: 'my-vae', family: 'vae', architecture: vae(), note: 'first' });
    const v2 = await ok('architectures.save', { name: 'my-vae', family: 'vae', architecture: brokenVae() });
    expect(v1).toMatchObject({ name: 'my-vae', family: 'vae', version: 1, note: 'first', versionCount: 1, forkOf: null, runCount: 0 });
    expect(v2).toMatchObject({ id: v1.id, version: 2, note: null, versionCount: 2 });
    const g = await ok('architectures.save', { name: 'my-gan', family: 'gan', architecture: gan(), forkOf: { id: v1.id, version: 1 } });
    expect(g.forkOf).toEqual({ id: v1.id, version: 1 });

    expect((await ok('architectures.list', {})).map((a: ArchitectureInfo) => [a.name, a.version])).toEqual([['my-gan', 1], ['my-vae', 2]]);
    expect((await ok('architectures.list', { family: 'vae' })).map((a) => a.name)).toEqual(['my-vae']);
    expect((await ok('architectures.list', { family: 'classifier' }))).toEqual([]);
    expect((await ok('architectures.get', { id: v1.id })).architecture).toEqual(brokenVae());
    expect((await ok('architectures.get', { id: v1.id, version: 1 })).architecture).toEqual(vae());
    expect((await ok('architectures.versions', { id: v1.id })).map((v) => [v.version, v.note])).toEqual([[2, null], [1, 'first']]);
  });

  it('answers with clear errors: family mismatch, unknown ids and versions, a missing fork parent', async () => {
    const mismatch = await call('architectures.save', { name: 'my-vae', family: 'gan', architecture: gan() });
    expect(mismatch).toEqual({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/^The architecture "my-vae" is a vae architecture: a gan version cannot be saved under its name/) as unknown } });
    expect(await call('architectures.get', { id: 999 })).toMatchObject({ ok: false, error: { code: 'not-found', message: 'Architecture 999 does not exist' } });
    const [mine] = s.store.listArchitectures({ family: 'vae' });
    expect(await call('architectures.get', { id: mine!.id, version: 9 })).toMatchObject({ ok: false, error: { code: 'not-found', message: `Architecture ${mine!.id} has no version 9` } });
    expect(await call('architectures.versions', { id: 999 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await call('architectures.save', { name: 'fork', family: 'vae', architecture: vae(), forkOf: { id: 999, version: 1 } }))
      .toMatchObject({ ok: false, error: { code: 'not-found', message: 'Architecture 999 version 1 does not exist: there is nothing to fork' } });
    expect(await call('architectures.save', { name: 'wrong', family: 'gan', architecture: vae() })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});

describe('resolving a saved architecture for a run', () => {
  let dir: string;
  let s: AppServices;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-arch-resolve-'));
    s = createServices({ dataDir: dir, env: { LATENT_BACKEND: 'cpu' } });
  });
  afterAll(async () => {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const resolve = (config: RunConfigInput) => resolveArchitecture(s.store, runConfigSchema.parse(config), mnist);

  it('returns the exact version trained: the latest when none is given', () => {
    const v1 = s.architectures.save(parseRequest('architectures.save', { name: 'vae-a', family: 'vae', architecture: vae() }));
    const v2doc = vaeTemplate('conv', [28, 28, 1], 16);
    s.architectures.save(parseRequest('architectures.save', { name: 'vae-a', family: 'vae', architecture: v2doc }));
    expect(resolve({ family: 'vae', architecture: { architectureId: v1.id } })).toEqual({ architecture: v2doc, architectureId: v1.id, architectureVersion: 2 });
    expect(resolve({ family: 'vae', architecture: { architectureId: v1.id, version: 1 } })).toEqual({ architecture: vae(), architectureId: v1.id, architectureVersion: 1 });

    const g = s.architectures.save(parseRequest('architectures.save', { name: 'gan-a', family: 'gan', architecture: gan() }));
    expect(resolve({ family: 'gan', architecture: { architectureId: g.id } })).toMatchObject({ architectureId: g.id, architectureVersion: 1 });
    const c = s.architectures.save(parseRequest('architectures.save', { name: 'clf-a', family: 'classifier', architecture: clf() }));
    expect(resolve({ family: 'classifier', architecture: { architectureId: c.id } })).toEqual({ architecture: clf(), architectureId: c.id, architectureVersion: 1 });
    const ae = s.architectures.save(parseRequest('architectures.save', { name: 'ae-a', family: 'autoencoder', architecture: autoencoderTemplate('mlp', [28, 28, 1], 16) }));
    expect(resolve({ family: 'autoencoder', architecture: { architectureId: ae.id }, hyper: { latentDim: 16 } })).toMatchObject({ architectureId: ae.id, architectureVersion: 1 });
    // Templates and inline documents record no saved architecture.
    expect(resolve({ family: 'vae', architecture: { template: 'mlp' } })).toMatchObject({ architectureId: null, architectureVersion: null });
  });

  it('refuses another family\'s architecture, an unknown id or version, and a draft that cannot be trained (naming the node)', () => {
    const g = s.architectures.save(parseRequest('architectures.save', { name: 'gan-b', family: 'gan', architecture: gan() }));
    const refusal = (config: RunConfigInput): ApiError => {
      try {
        resolve(config);
      } catch (e) {
        expect(e).toBeInstanceOf(ApiError);
        return e as ApiError;
      }
      throw new Error('expected a refusal');
    };
    const wrong = refusal({ family: 'vae', architecture: { architectureId: g.id } });
    expect(wrong.code).toBe('bad-request');
    expect(wrong.message).toBe(`Architecture ${g.id} "gan-b" (version 1) is a gan architecture: a vae run needs a vae architecture`);
    expect(refusal({ family: 'classifier', architecture: { architectureId: g.id } }).message).toMatch(/is a gan architecture: a classifier run needs a classifier architecture/);
    expect(refusal({ family: 'vae', architecture: { architectureId: 999 } })).toMatchObject({ code: 'not-found', message: 'Architecture 999 does not exist' });
    expect(refusal({ family: 'gan', architecture: { architectureId: g.id, version: 4 } })).toMatchObject({ code: 'not-found', message: `Architecture ${g.id} has no version 4` });

    const draft = s.architectures.save(parseRequest('architectures.save', { name: 'draft', family: 'vae', architecture: brokenVae() }));
    const untrainable = refusal({ family: 'vae', architecture: { architectureId: draft.id } });
    expect(untrainable.code).toBe('bad-request');
    expect(untrainable.message).toContain(`The architecture "draft" (architecture ${draft.id} version 1) cannot be trained`);
    expect(untrainable.issues?.some((i) => i.path[0] === 'architecture' && i.message.startsWith('node reshape: '))).toBe(true);
  });
});
