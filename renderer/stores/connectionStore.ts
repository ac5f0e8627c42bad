import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { getApiClient, type ConnectionState } from '../api';

/** How the page talks to the services and whether events are flowing. */
export const useConnectionStore = defineStore('connection', () => {
  const client = getApiClient();
  const state = ref<ConnectionState>(client.connectionState());
  const transport = client.transport;
  client.onConnectionChange((next) => { state.value = next; });

  const unauthorized = computed(() => state.value === 'unauthorized');
  const label = computed(() => state.value);

  return { state, transport, unauthorized, label };
});
