/**
 * A list of imported things with their removal (the Datasets page's image
 * sets and text corpora): fetched afresh on mount (another window or the CLI
 * may have imported since), the row just imported marked, a removal asked
 * for and confirmed, its message or refusal kept to show.
 */
import { onMounted, ref } from 'vue';
import { errorMessage } from '../api';

export interface ImportListSource {
  fetch(): Promise<unknown>;
  remove(id: string): Promise<{ message: string }>;
}

export function useImportList(source: ImportListSource) {
  const loadError = ref<string | null>(null);
  const justImported = ref<string | null>(null);
  const confirming = ref<string | null>(null);
  const removing = ref<string | null>(null);
  const removeError = ref<string | null>(null);
  const removalMessage = ref<string | null>(null);

  onMounted(() => {
    source.fetch().catch((err: unknown) => { loadError.value = errorMessage(err); });
  });

  function onImported(item: { id: string }): void {
    justImported.value = item.id;
    removalMessage.value = null;
  }

  async function remove(item: { id: string }): Promise<void> {
    removing.value = item.id;
    removeError.value = null;
    try {
      removalMessage.value = (await source.remove(item.id)).message;
      confirming.value = null;
    } catch (err) {
      removeError.value = errorMessage(err);
    } finally {
      removing.value = null;
    }
  }

  return { loadError, justImported, confirming, removing, removeError, removalMessage, onImported, remove };
}
