import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../../main/common/api';
import type { DatasetInfo } from '../../../main/common/domain';
import { setApiClient, type WorkbenchClient } from '../../../renderer/api';
import { useDatasetsStore } from '../../../renderer/stores/datasetsStore';

const info = (id: string, kind: DatasetInfo['kind'] = 'image-folder'): DatasetInfo => ({
  id, name: id.toUpperCase(), description: '', kind, trainSize: 80, testSize: 20, inputShape: [28, 28, 1], numClasses: 2,
  classNames: ['a', 'b'], sourcePath: kind === 'builtin' ? null : `/data/${id}`, contentHash: null, createdAt: null, split: null,
});

/** A client whose answers the test scripts. */
function fakeClient(handlers: Partial<{ [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiResponse<M>> }>) {
  const calls: [string, unknown][] = [];
  const client: WorkbenchClient = {
    transport: 'http',
    async call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
      calls.push([method, req]);
      const h = handlers[method] as ((r: ApiRequest<M>) => Promise<ApiResponse<M>>) | undefined;
      if (!h) throw new Error(`unexpected call ${method}`);
      return h(req);
    },
    on: () => () => {},
    connectionState: () => 'connected',
    onConnectionChange: () => () => {},
    onReconnected: () => () => {},
    dispose: () => {},
  };
  return { client, calls };
}

describe('datasets store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('adds an import to the list, and a removal drops it and its cached images', async () => {
    let imagesCalls = 0;
    const f = fakeClient({
      'datasets.list': async () => [info('mnist', 'builtin')],
      'datasets.import': async (r) => ({ ...info('digits'), name: r.name }),
      'datasets.images': async (r) => { imagesCalls++; return r.indices.map((index) => ({ index, label: 0, pngBase64: '' })); },
      'datasets.remove': async (r) => ({ id: r.id, name: 'digits', runsKept: [3], message: 'Removed.' }),
    });
    setApiClient(f.client);
    const store = useDatasetsStore();
    await store.fetchList();
    const added = await store.importDataset({ name: 'My digits', kind: 'image-folder', path: '/data/digits' });
    expect(added.name).toBe('My digits');
    expect(store.list.map((d) => d.id)).toEqual(['mnist', 'digits']);
    expect(f.calls.find(([m]) => m === 'datasets.import')?.[1]).toEqual({ name: 'My digits', kind: 'image-folder', path: '/data/digits' });

    await store.fetchImages('digits', 'train', [0, 1]);
    await store.fetchImages('digits', 'train', [0, 1]);
    expect(imagesCalls).toBe(1);
    const removal = await store.remove('digits');
    expect(removal.runsKept).toEqual([3]);
    expect(store.list.map((d) => d.id)).toEqual(['mnist']);
    await store.fetchImages('digits', 'train', [0]);
    expect(imagesCalls).toBe(2);
  });

  it('passes failures through, leaving the list as it was', async () => {
    const f = fakeClient({
      'datasets.list': async () => [info('mnist', 'builtin')],
      'datasets.import': async () => { throw new Error('Cannot import "x": /a/b.png is 20×20 but /a/c.png is 28×28'); },
    });
    setApiClient(f.client);
    const store = useDatasetsStore();
    await store.fetchList();
    await expect(store.importDataset({ name: 'x', kind: 'image-folder', path: '/a' })).rejects.toThrow(/b\.png is 20×20/);
    expect(store.list.map((d) => d.id)).toEqual(['mnist']);
  });
});
