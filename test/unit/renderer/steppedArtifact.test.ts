/**
 * useSteppedArtifact, the step slider behind the sequence panels: it shows
 * and follows the newest document, keeps a chosen step when new ones arrive,
 * plays to the newest and follows again, says why a document failed, and
 * starts over at the newest for another run. Real artifacts store over the
 * fake API client (the transport), documents parsed from their JSON.
 */
import { computed, effectScope, nextTick, ref } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ArtifactInfo } from '../../../main/common/domain';
import { setApiClient } from '../../../renderer/api';
import { useSteppedArtifact } from '../../../renderer/composables/useSteppedArtifact';
import { fakeClient } from './fakeClient';

const info = (id: number, step: number): ArtifactInfo => ({ id, runId: 1, kind: 'text-samples', step, meta: {}, createdAt: id, mime: 'application/json' });

/** Each document is {"step": <its step>}; id 99 is not JSON of that shape. */
function parse(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null || !('step' in raw) || typeof raw.step !== 'number') throw new Error('no step in the document');
  return raw.step;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(0);
  await nextTick();
}

describe('stepped artifact', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    setActivePinia(createPinia());
    const steps = new Map<number, number>([[1, 0], [2, 100], [3, 200], [4, 300]]);
    const f = fakeClient({
      'artifacts.read': async ({ id }) => ({
        id, mime: 'application/json', base64: Buffer.from(JSON.stringify(id === 99 ? { text: 'x' } : { step: steps.get(id) })).toString('base64'),
      }),
    });
    setApiClient(f.client);
  });
  afterEach(() => vi.useRealTimers());

  function setup(initial: ArtifactInfo[]) {
    const artifacts = ref<ArtifactInfo[]>(initial);
    const runId = ref(1);
    const scope = effectScope();
    const s = scope.run(() => useSteppedArtifact(computed(() => artifacts.value), runId, parse, { intervalMs: 100 }))!;
    return { s, artifacts, runId, scope };
  }

  it('follows the newest until a step is chosen, then keeps that step as new ones arrive', async () => {
    const { s, artifacts, scope } = setup([info(1, 0), info(2, 100)]);
    await settle();
    expect(s.index.value).toBe(1);
    expect(s.shown.value?.data).toBe(100);
    artifacts.value = [...artifacts.value, info(3, 200)];
    await settle();
    expect(s.shown.value?.data).toBe(200);
    s.select(0);
    artifacts.value = [...artifacts.value, info(4, 300)];
    await settle();
    expect(s.index.value).toBe(0);
    expect(s.shown.value?.data).toBe(0);
    scope.stop();
  });

  it('plays from the first step to the newest, then follows again', async () => {
    const { s, artifacts, scope } = setup([info(1, 0), info(2, 100), info(3, 200)]);
    await settle();
    s.togglePlay();
    expect(s.index.value).toBe(0);
    expect(s.playing.value).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(s.index.value).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(s.playing.value).toBe(false);
    artifacts.value = [...artifacts.value, info(4, 300)];
    await settle();
    expect(s.shown.value?.data).toBe(300);
    scope.stop();
  });

  it('says why a document cannot be shown, and starts at the newest for another run', async () => {
    const { s, artifacts, runId, scope } = setup([info(1, 0), info(2, 100)]);
    s.select(0);
    artifacts.value = [...artifacts.value, info(99, 400)];
    s.select(2);
    await settle();
    expect(s.error.value).toContain('no step in the document');
    runId.value = 2;
    artifacts.value = [info(3, 200), info(4, 300)];
    await settle();
    expect(s.index.value).toBe(1);
    expect(s.shown.value?.data).toBe(300);
    expect(s.error.value).toBeNull();
    scope.stop();
  });
});
