import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiRequest } from '../../main/common/api';
import type { Settings, SystemInfo } from '../../main/common/domain';
import { getApiClient } from '../api';

export const useSettingsStore = defineStore('settings', () => {
  const client = getApiClient();
  const settings = ref<Settings | null>(null);
  const system = ref<SystemInfo | null>(null);

  async function fetchSettings(): Promise<void> {
    settings.value = await client.call('settings.get', {});
  }

  async function fetchSystem(): Promise<void> {
    system.value = await client.call('system.info', {});
  }

  async function fetchAll(): Promise<void> {
    await Promise.all([fetchSettings(), fetchSystem()]);
  }

  async function update(patch: ApiRequest<'settings.update'>): Promise<Settings> {
    const next = await client.call('settings.update', patch);
    settings.value = next;
    return next;
  }

  return { settings, system, fetchSettings, fetchSystem, fetchAll, update };
});
