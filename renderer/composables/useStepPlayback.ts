import { onScopeDispose, readonly, ref, type Ref } from 'vue';

/**
 * A play button's timer: while playing, `advance` runs every `intervalMs`
 * and playback stops when it returns false (the end). Stopped when the
 * calling component goes.
 */
export function useStepPlayback(advance: () => boolean, intervalMs = 500): { playing: Readonly<Ref<boolean>>; start: () => void; stop: () => void } {
  const playing = ref(false);
  let timer: ReturnType<typeof setInterval> | null = null;

  function stop(): void {
    if (timer !== null) clearInterval(timer);
    timer = null;
    playing.value = false;
  }

  function start(): void {
    if (timer !== null) return;
    playing.value = true;
    timer = setInterval(() => {
      if (!advance()) stop();
    }, intervalMs);
  }

  onScopeDispose(stop);
  return { playing: readonly(playing), start, stop };
}
