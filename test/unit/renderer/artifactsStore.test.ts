import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { ArtifactInfo } from '../../../main/common/domain';
import { setApiClient } from '../../../renderer/api';
import { fakeClient } from './fakeClient';
import { useArtifactsStore } from '../../../renderer/stores/artifactsStore';

const info = (id: number, step: number, kind = 'samples', runId = 1): ArtifactInfo => ({ id, runId, kind, step, meta: {}, createdAt: id, mime: 'image/png' });

describe('artifacts store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('loads a watched run’s list and appends live artifacts in step order', async () => {
    let release: (list: ArtifactInfo[]) => void = () => {};
    const f = fakeClient({ 'artifacts.list': () => new Promise((resolve) => { release = resolve; }) });
    setApiClient(f.client);
    const store = useArtifactsStore();
    const watched = store.watchRun(1);
    // An image logged while the list is on its way is not lost.
    f.emit('artifacts.onDidAdd', info(3, 30));
    release([info(1, 10), info(2, 20)]);
    await watched.ready;
    expect(store.list(1).map((a) => a.id)).toEqual([1, 2, 3]);
    f.emit('artifacts.onDidAdd', info(4, 40));
    f.emit('artifacts.onDidAdd', info(4, 40));
    f.emit('artifacts.onDidAdd', info(9, 5, 'samples', 2));
    expect(store.list(1).map((a) => a.step)).toEqual([10, 20, 30, 40]);
    expect(store.list(2)).toEqual([]);
    watched.release();
    expect(store.list(1)).toEqual([]);
  });

  it('analyzes through runs.analyze and adds the result to the run’s list', async () => {
    const f = fakeClient({
      'artifacts.list': async () => [],
      'runs.analyze': async () => info(7, 100, 'interpolation'),
      'artifacts.read': async ({ id }) => ({ id, mime: 'application/json', base64: Buffer.from('{"ok":true}').toString('base64') }),
    });
    setApiClient(f.client);
    const store = useArtifactsStore();
    await store.watchRun(1).ready;
    const got = await store.analyze(1, { kind: 'interpolation', a: 0, b: 7, steps: 8 });
    expect(got.id).toBe(7);
    expect(store.list(1).map((a) => a.kind)).toEqual(['interpolation']);
    expect(f.calls).toContainEqual(['runs.analyze', { id: 1, request: { kind: 'interpolation', a: 0, b: 7, steps: 8 } }]);
    await expect(store.readJson(7)).resolves.toEqual({ ok: true });
  });
});
