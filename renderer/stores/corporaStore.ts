import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiRequest } from '../../main/common/api';
import type { CorpusInfo, CorpusRemoval } from '../../main/common/domain';
import { getApiClient } from '../api';

/** Text corpora for sequence runs (corpora.list/import/remove): the built-in one first, then the imports. */
export const useCorporaStore = defineStore('corpora', () => {
  const client = getApiClient();
  const list = ref<CorpusInfo[]>([]);
  const loaded = ref(false);
  let inFlight: Promise<void> | null = null;

  /** Corpora change only by import and remove: fetch once unless forced. */
  function fetchList(force = false): Promise<void> {
    if (loaded.value && !force) return Promise.resolve();
    inFlight ??= client.call('corpora.list', {})
      .then((corpora) => {
        list.value = corpora;
        loaded.value = true;
      })
      .finally(() => { inFlight = null; });
    return inFlight;
  }

  function byId(id: string): CorpusInfo | undefined {
    return list.value.find((c) => c.id === id);
  }

  /** Reads and records a UTF-8 text file on the machine the services run on; refused (nothing recorded) when it is not UTF-8 or is empty. */
  async function importCorpus(req: ApiRequest<'corpora.import'>): Promise<CorpusInfo> {
    const info = await client.call('corpora.import', req);
    list.value = [...list.value.filter((c) => c.id !== info.id), info];
    return info;
  }

  async function remove(id: string): Promise<CorpusRemoval> {
    const removal = await client.call('corpora.remove', { id });
    list.value = list.value.filter((c) => c.id !== id);
    return removal;
  }

  return { list, loaded, fetchList, byId, importCorpus, remove };
});
