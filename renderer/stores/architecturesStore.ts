/**
 * Saved architectures: the latest version of each, one version with its
 * document, a name's version history, and saving a new version.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiRequest } from '../../main/common/api';
import type { ArchitectureInfo, ArchitectureVersionInfo } from '../../main/common/domain';
import { getApiClient } from '../api';

export const useArchitecturesStore = defineStore('architectures', () => {
  const client = getApiClient();
  const list = ref<ArchitectureInfo[]>([]);
  const loaded = ref(false);

  async function fetchList(): Promise<ArchitectureInfo[]> {
    list.value = await client.call('architectures.list', {});
    loaded.value = true;
    return list.value;
  }

  function get(id: number, version?: number): Promise<ArchitectureInfo> {
    return client.call('architectures.get', version === undefined ? { id } : { id, version });
  }

  function versions(id: number): Promise<ArchitectureVersionInfo[]> {
    return client.call('architectures.versions', { id });
  }

  async function save(request: ApiRequest<'architectures.save'>): Promise<ArchitectureInfo> {
    const saved = await client.call('architectures.save', request);
    const others = list.value.filter((a) => a.id !== saved.id);
    list.value = [...others, saved].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id - b.id);
    return saved;
  }

  return { list, loaded, fetchList, get, versions, save };
});
