/**
 * The progress of the import this form started: the services push
 * datasets.onDidImportProgress for every import, and an import's name is
 * unique while it runs, so the form follows the name it submitted. The last
 * event stays (the bar's final state, with the checksum) until the next submit;
 * a refused import clears it.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue';
import type { ImportProgress } from '../../main/common/domain';
import { getApiClient } from '../api';

export function useImportProgress(target: ImportProgress['target']) {
  const progress = ref<ImportProgress | null>(null);
  let followed: string | null = null;
  let off: (() => void) | null = null;
  onMounted(() => {
    off = getApiClient().on('datasets.onDidImportProgress', (p) => {
      if (p.target === target && followed !== null && p.name.toLowerCase() === followed) progress.value = p;
    });
  });
  onBeforeUnmount(() => off?.());
  /** Follows the import about to be asked for under `name` (trimmed, any case). */
  function follow(name: string): void {
    followed = name.trim().toLowerCase();
    progress.value = null;
  }
  /**
   * Runs `send` following `name`'s progress; a refusal clears the bar (the
   * error box says what went wrong, a half-filled bar would not).
   */
  async function tracking<T>(name: string, send: () => Promise<T>): Promise<T> {
    follow(name);
    try {
      return await send();
    } catch (err) {
      progress.value = null;
      followed = null;
      throw err;
    }
  }
  return { progress, follow, tracking };
}
