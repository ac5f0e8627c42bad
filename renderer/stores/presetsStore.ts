/** The ready experiments the families offer, and launching one (presets.list / presets.launch). */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { PresetInfo, PresetLaunch } from '../../main/common/domain';
import { getApiClient } from '../api';
import { useExperimentsStore } from './experimentsStore';

export const usePresetsStore = defineStore('presets', () => {
  const client = getApiClient();
  const list = ref<PresetInfo[]>([]);
  const loaded = ref(false);

  async function fetchList(): Promise<void> {
    list.value = await client.call('presets.list', {});
    loaded.value = true;
  }

  /** Launch one: its experiment is created, its runs queued; the experiments list learns of it. */
  async function launch(id: string): Promise<PresetLaunch> {
    const r = await client.call('presets.launch', { id });
    await useExperimentsStore().fetchOne(r.experimentId);
    return r;
  }

  return { list, loaded, fetchList, launch };
});
