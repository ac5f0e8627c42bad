/**
 * runs.reproduce over a real SQLite store with fake hosts: the new run
 * repeats the origin's config, seed, architecture version and dataset, links
 * to it (and survives its deletion), and is refused, saying why, when the
 * run is unknown, the dataset is gone or changed, or a template now builds
 * something else.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../main/common/api';
import { createServices, type AppServices } from '../../../main/services/appServices';
import { dispatch } from '../../../main/services/dispatch';
import { runConfigSchema, type RunConfigInput } from '../../../workers/common/families/registry';
import { classifierTemplates } from '../../../workers/common/families/classifier/templates';
import type { StartMessage } from '../../../workers/common/protocol';
import { tempDir } from '../db/helpers';
import type { FakeHost } from './fakeHost';
import { closeFakeRunServices, fakeRunService } from './fakeRunService';

afterEach(closeFakeRunServices);

function setup() {
  const { store, runs, hosts, experimentId } = fakeRunService({ maxConcurrentRuns: 4 });
  const start = (config: RunConfigInput) => runs.start(experimentId, runConfigSchema.parse(config));
  /** Runs raw SQL on the file, as another writer (or an older app) would have. */
  const rawSql = (sql: string, ...params: unknown[]): void => {
    const raw = new Database(store.path);
    raw.prepare(sql).run(...params);
    raw.close();
  };
  return { store, runs, hosts, start, experimentId, rawSql };
}

const classifier = (more: Partial<Record<'architecture' | 'name', unknown>> = {}): RunConfigInput => ({
  family: 'classifier', dataset: { id: 'mnist', trainSize: 100, testSize: 50 }, hyper: { epochs: 1, seed: 1234, learningRate: 0.003 }, ...more,
} as RunConfigInput);

/** Ends a fake host's run as done. */
function finish(h: FakeHost | undefined): void {
  if (!h) throw new Error('no host was launched');
  h.emit({ type: 'ready', backend: 'cpu' }, { type: 'done', final: {} });
  h.exit();
}

const rejection = (f: () => unknown): ApiError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
};

describe('RunService.reproduce', () => {
  it('starts a run with the same config, seed, template architecture and dataset hash, linked to its origin', async () => {
    const t = setup();
    const origin = t.start(classifier({ name: 'baseline' }));
    finish(t.hosts[0]);
    await t.runs.waitForEnd(origin.id);

    const copy = t.runs.reproduce(origin.id);
    expect(copy).toMatchObject({ experimentId: origin.experimentId, family: 'classifier', seed: 1234, datasetId: 'mnist', originRunId: origin.id, name: 'baseline (reproduction)' });
    expect(copy.params).toEqual(origin.params);
    const [a, b] = [t.runs.detail(origin.id), t.runs.detail(copy.id)];
    expect(b.config).toEqual(a.config);
    expect(b.architecture).toEqual(a.architecture);
    expect(b.datasetHash).toBe(a.datasetHash);
    expect([b.architectureId, b.architectureVersion]).toEqual([null, null]);
    expect(a.originRunId).toBeNull();
    expect(a.reproductionIds).toEqual([copy.id]);
    // The worker gets the same config as the origin's.
    expect((t.hosts[1]?.sent[0] as StartMessage).config).toEqual(a.config);
    expect(t.runs.logs(copy.id)[0]?.message).toBe(`Queued as a reproduction of run ${origin.id}: classifier run on MNIST`);
  });

  it('pins a saved architecture to the version the origin trained, though a newer one was saved since', () => {
    const t = setup();
    const v1 = t.store.saveArchitecture({ name: 'net', family: 'classifier', architecture: classifierTemplates.mlp });
    const origin = t.start(classifier({ architecture: { architectureId: v1.id } }));
    const wider = structuredClone(classifierTemplates.mlp);
    wider.nodes.find((n) => n.id === 'hidden')!.params = { units: 256, activation: 'relu' };
    expect(t.store.saveArchitecture({ name: 'net', family: 'classifier', architecture: wider }).version).toBe(2);

    const copy = t.runs.detail(t.runs.reproduce(origin.id).id);
    expect([copy.architectureId, copy.architectureVersion]).toEqual([v1.id, 1]);
    expect(copy.config).toMatchObject({ architecture: { architectureId: v1.id, version: 1 } });
    expect(copy.architecture).toEqual(t.runs.detail(origin.id).architecture);
    // A run started afresh from the origin's config gets the latest version: what reproduce avoids.
    expect(t.runs.detail(t.start(classifier({ architecture: { architectureId: v1.id } })).id).architectureVersion).toBe(2);
  });

  it('keeps an inline graph document as it was', () => {
    const t = setup();
    const graph = structuredClone(classifierTemplates.mlp);
    graph.name = 'inline';
    const origin = t.start(classifier({ architecture: { graph } }));
    const copy = t.runs.detail(t.runs.reproduce(origin.id).id);
    expect(copy.config).toEqual(t.runs.detail(origin.id).config);
    expect(copy.architecture.name).toBe('inline');
  });

  it('refuses an unknown run, a removed dataset and a changed dataset, saying which', () => {
    const t = setup();
    expect(rejection(() => t.runs.reproduce(999))).toMatchObject({ code: 'not-found', message: 'Run 999 does not exist' });

    const changed = t.start(classifier());
    t.rawSql("UPDATE runs SET dataset_hash = 'sha256:0000' WHERE id = ?", changed.id);
    const e = rejection(() => t.runs.reproduce(changed.id));
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(new RegExp(`^Run ${changed.id} cannot be reproduced: dataset "MNIST" \\(mnist\\) has changed since it trained \\(its hash is sha256:[0-9a-f]{64} now, was sha256:0000\\)$`));

    const gone = t.start(classifier());
    t.rawSql("UPDATE runs SET dataset_id = 'imported-17' WHERE id = ?", gone.id);
    expect(rejection(() => t.runs.reproduce(gone.id))).toMatchObject({
      code: 'conflict', message: `Run ${gone.id} cannot be reproduced: it trained on dataset "imported-17", which has been removed`,
    });
    expect(t.runs.list().length).toBe(2);
  });

  it('refuses when the template now builds another architecture than the origin trained, naming the difference', () => {
    const t = setup();
    const origin = t.start(classifier());
    const older = structuredClone(classifierTemplates.mlp);
    older.nodes.find((n) => n.id === 'hidden')!.params = { units: 64, activation: 'relu' };
    t.rawSql('UPDATE runs SET architecture_json = ? WHERE id = ?', JSON.stringify(older), origin.id);
    const e = rejection(() => t.runs.reproduce(origin.id));
    expect(e.code).toBe('conflict');
    expect(e.message).toContain(`Run ${origin.id} cannot be reproduced: its architecture spec now builds another architecture than it trained`);
    expect(e.message).toContain('changed hidden (dense): units 64 → 128');
  });

  it('keeps a reproduction when its origin is deleted: the link becomes null', async () => {
    const t = setup();
    const origin = t.start(classifier());
    finish(t.hosts[0]);
    await t.runs.waitForEnd(origin.id);
    const copy = t.runs.reproduce(origin.id);
    t.runs.delete(origin.id);
    expect(t.runs.summary(copy.id).originRunId).toBeNull();
    expect(t.runs.detail(copy.id).reproductionIds).toEqual([]);
  });
});

describe('runs.reproduce through dispatch', () => {
  let s: AppServices | undefined;
  afterEach(async () => { await s?.close(); s = undefined; });

  it('validates the id and answers not-found for an unknown run', async () => {
    s = createServices({ dataDir: tempDir() });
    expect(await dispatch(s.handlers, 'runs.reproduce', { id: 'x' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await dispatch(s.handlers, 'runs.reproduce', { id: 5, extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await dispatch(s.handlers, 'runs.reproduce', { id: 5 })).toMatchObject({ ok: false, error: { code: 'not-found', message: 'Run 5 does not exist' } });
  });
});
