import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { BackendDiagnostics } from '../../main/common/backendDiagnostics';
import { getApiClient } from '../api';

/** The Settings page's backend diagnostics: probed by the services in child processes, cached there; `probe(true)` probes again. */
export const useBackendStore = defineStore('backends', () => {
  const client = getApiClient();
  const diagnostics = ref<BackendDiagnostics | null>(null);
  const probing = ref(false);

  async function probe(refresh = false): Promise<void> {
    probing.value = true;
    try {
      diagnostics.value = await client.call('system.backends', { refresh });
    } finally {
      probing.value = false;
    }
  }

  return { diagnostics, probing, probe };
});
