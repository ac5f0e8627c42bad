import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ReferenceClassifierInfo, ReferenceClassifierRemoval } from '../../main/common/domain';
import { getApiClient } from '../api';

/** Which classifier scores each dataset's generative runs (referenceClassifiers.list/import/remove). */
export const useReferenceClassifiersStore = defineStore('referenceClassifiers', () => {
  const client = getApiClient();
  const list = ref<ReferenceClassifierInfo[]>([]);
  const loaded = ref(false);

  async function fetchList(): Promise<void> {
    list.value = await client.call('referenceClassifiers.list', {});
    loaded.value = true;
  }

  function replace(info: ReferenceClassifierInfo): void {
    list.value = list.value.map((d) => (d.datasetId === info.datasetId ? info : d));
  }

  /** A TF.js model.json (or its folder) on the machine the services run on; refused, with the reason, when it does not fit the dataset. */
  async function importModel(datasetId: string, path: string): Promise<ReferenceClassifierInfo> {
    const info = await client.call('referenceClassifiers.import', { datasetId, path });
    replace(info);
    return info;
  }

  async function remove(datasetId: string): Promise<ReferenceClassifierRemoval> {
    const removal = await client.call('referenceClassifiers.remove', { datasetId });
    await fetchList();
    return removal;
  }

  return { list, loaded, fetchList, importModel, remove };
});
