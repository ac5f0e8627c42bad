import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Experiment, ExperimentDeletion } from '../../main/common/domain';
import { getApiClient } from '../api';

export const useExperimentsStore = defineStore('experiments', () => {
  const client = getApiClient();
  const byId = ref<Record<number, Experiment>>({});
  const listLoaded = ref(false);
  const loading = ref(false);

  const list = computed(() => Object.values(byId.value).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id));

  function upsert(experiment: Experiment): Experiment {
    byId.value[experiment.id] = experiment;
    return experiment;
  }

  async function fetchList(): Promise<void> {
    loading.value = true;
    try {
      const experiments = await client.call('experiments.list', {});
      const next: Record<number, Experiment> = {};
      for (const e of experiments) next[e.id] = e;
      byId.value = next;
      listLoaded.value = true;
    } finally {
      loading.value = false;
    }
  }

  async function fetchOne(id: number): Promise<Experiment> {
    return upsert(await client.call('experiments.get', { id }));
  }

  async function create(name: string, description: string): Promise<Experiment> {
    return upsert(await client.call('experiments.create', { name, description }));
  }

  /** Renames it and/or replaces its description. */
  async function update(id: number, change: { name?: string; description?: string }): Promise<Experiment> {
    return upsert(await client.call('experiments.update', { id, ...change }));
  }

  /** What deleting it would remove (its runs and their folders), for the confirmation. */
  function deletionPlan(id: number): Promise<ExperimentDeletion> {
    return client.call('experiments.deletionPlan', { id });
  }

  /** Deletes it with its runs and their folders (the runs store hears of each run through runs.onDidDelete). */
  async function remove(id: number): Promise<ExperimentDeletion> {
    const gone = await client.call('experiments.delete', { id });
    const next = { ...byId.value };
    delete next[id];
    byId.value = next;
    return gone;
  }

  /** A run appeared in an experiment this store knows: keep its count honest without a refetch. */
  function noteNewRun(experimentId: number): void {
    const e = byId.value[experimentId];
    if (e) e.runCount += 1;
  }

  client.onReconnected(() => {
    if (listLoaded.value) void fetchList().catch(() => {});
  });

  return { byId, list, listLoaded, loading, fetchList, fetchOne, create, update, deletionPlan, remove, noteNewRun };
});
