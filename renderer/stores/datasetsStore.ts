import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DatasetInfo } from '../../main/common/domain';
import { getApiClient } from '../api';

export const useDatasetsStore = defineStore('datasets', () => {
  const client = getApiClient();
  const list = ref<DatasetInfo[]>([]);
  const loaded = ref(false);
  let inFlight: Promise<void> | null = null;

  /** Datasets do not change while the app runs: fetch once unless forced. */
  function fetchList(force = false): Promise<void> {
    if (loaded.value && !force) return Promise.resolve();
    inFlight ??= client.call('datasets.list', {})
      .then((datasets) => {
        list.value = datasets;
        loaded.value = true;
      })
      .finally(() => { inFlight = null; });
    return inFlight;
  }

  function byId(id: string): DatasetInfo | undefined {
    return list.value.find((d) => d.id === id);
  }

  return { list, loaded, fetchList, byId };
});
