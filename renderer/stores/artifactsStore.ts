/**
 * Artifacts of the runs on screen (gallery images, scatter data,
 * checkpoints): the list per run, kept live from artifacts.onDidAdd and
 * refetched after a reconnect; their bytes on demand; and the analyses a
 * trained encoder/decoder run can be asked for (runs.analyze).
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ArtifactContent, ArtifactInfo } from '../../main/common/domain';
import type { AnalysisRequest } from '../../workers/common/gallery';
import { getApiClient } from '../api';
import { base64ToJson } from '../lib/artifactData';
import { insertArtifact } from '../lib/gallery';

export const useArtifactsStore = defineStore('artifacts', () => {
  const client = getApiClient();

  /** Artifacts per watched run, in step order. */
  const byRun = ref<Record<number, ArtifactInfo[]>>({});
  const loadErrors = ref<Record<number, string>>({});
  const watchers = new Map<number, number>();
  const listInFlight = new Map<number, Promise<ArtifactInfo[]>>();
  const readInFlight = new Map<number, Promise<ArtifactContent>>();
  /** Events that arrived while a list was being fetched: merged into its answer. */
  const pendingAdds = new Map<number, ArtifactInfo[]>();

  function list(runId: number): ArtifactInfo[] {
    return byRun.value[runId] ?? [];
  }

  function add(info: ArtifactInfo): void {
    const current = byRun.value[info.runId];
    if (current) byRun.value[info.runId] = insertArtifact(current, info);
  }

  function fetchList(runId: number): Promise<ArtifactInfo[]> {
    let p = listInFlight.get(runId);
    if (p) return p;
    pendingAdds.set(runId, []);
    p = client.call('artifacts.list', { runId })
      .then((items) => {
        let merged: ArtifactInfo[] = [];
        for (const a of [...items, ...(pendingAdds.get(runId) ?? [])]) merged = insertArtifact(merged, a);
        if (watchers.has(runId)) {
          byRun.value[runId] = merged;
          delete loadErrors.value[runId];
        }
        return merged;
      })
      .finally(() => {
        listInFlight.delete(runId);
        pendingAdds.delete(runId);
      });
    listInFlight.set(runId, p);
    return p;
  }

  /** Keep a run's artifact list loaded and live while something shows it. */
  function watchRun(runId: number): { release: () => void; ready: Promise<void> } {
    const count = watchers.get(runId) ?? 0;
    watchers.set(runId, count + 1);
    const ready = fetchList(runId).then(() => {}, (err: unknown) => {
      loadErrors.value[runId] = err instanceof Error ? err.message : String(err);
      throw err;
    });
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (watchers.get(runId) ?? 1) - 1;
      if (left > 0) {
        watchers.set(runId, left);
        return;
      }
      watchers.delete(runId);
      delete byRun.value[runId];
      delete loadErrors.value[runId];
    };
    return { release, ready };
  }

  /** An artifact's bytes (base64). Concurrent reads of one id share a request; nothing is kept after. */
  function read(id: number): Promise<ArtifactContent> {
    let p = readInFlight.get(id);
    if (!p) {
      p = client.call('artifacts.read', { id }).finally(() => readInFlight.delete(id));
      readInFlight.set(id, p);
    }
    return p;
  }

  /** A data artifact's JSON document. */
  async function readJson(id: number): Promise<unknown> {
    const content = await read(id);
    return base64ToJson(content.base64);
  }

  /**
   * Ask a finished (or checkpointed) run for an analysis. Resolves with the
   * artifact it wrote, which also joins the run's list.
   */
  async function analyze(runId: number, request: AnalysisRequest): Promise<ArtifactInfo> {
    const info = await client.call('runs.analyze', { id: runId, request });
    add(info);
    return info;
  }

  client.on('artifacts.onDidAdd', (info) => {
    pendingAdds.get(info.runId)?.push(info);
    add(info);
  });

  client.onReconnected(() => {
    for (const runId of watchers.keys()) void fetchList(runId).catch(() => {});
  });

  return { byRun, loadErrors, list, fetchList, watchRun, read, readJson, analyze };
});
