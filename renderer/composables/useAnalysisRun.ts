import { computed, ref, type ComputedRef, type Ref } from 'vue';
import type { ArtifactInfo } from '../../main/common/domain';
import type { AnalysisRequest } from '../../workers/common/gallery';
import { errorMessage } from '../api';
import { useArtifactsStore } from '../stores/artifactsStore';
import { useArtifactUrls } from './useArtifactUrls';

/** What an analysis tool parsed from its inputs: null until they are complete. */
export type ParsedRequest = { success: true; data: AnalysisRequest } | { success: false } | null;

export interface AnalysisRun {
  /** The valid request, or null while the inputs are incomplete or wrong. */
  request: ComputedRef<AnalysisRequest | null>;
  running: Ref<boolean>;
  error: Ref<string | null>;
  /** The image the last run wrote, with a blob: URL. */
  result: Ref<{ info: ArtifactInfo; url: string } | null>;
  run(): Promise<void>;
}

/**
 * Running one analysis of a run (runs.analyze, through the artifacts store)
 * from a tool's parsed request: one at a time, its error as a message, and
 * the written image's URL (revoked with the calling component).
 */
export function useAnalysisRun(runId: () => number, parsed: ComputedRef<ParsedRequest>): AnalysisRun {
  const store = useArtifactsStore();
  const urls = useArtifactUrls();
  const running = ref(false);
  const error = ref<string | null>(null);
  const result = ref<{ info: ArtifactInfo; url: string } | null>(null);
  const request = computed<AnalysisRequest | null>(() => (parsed.value?.success ? parsed.value.data : null));

  async function run(): Promise<void> {
    const req = request.value;
    if (!req || running.value) return;
    running.value = true;
    error.value = null;
    try {
      const info = await store.analyze(runId(), req);
      result.value = { info, url: await urls.urlFor(info.id) };
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      running.value = false;
    }
  }

  return { request, running, error, result, run };
}
