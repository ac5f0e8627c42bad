import { onScopeDispose, readonly, ref, type Ref } from 'vue';

export interface StepPlayback {
  playing: Readonly<Ref<boolean>>;
  start: () => void;
  stop: () => void;
  /**
   * The play button: stops while playing; otherwise starts when there are at
   * least two frames, first going back to the first (`rewind`) when on the
   * last, so play always shows a sequence.
   */
  toggle: (frames: number, index: number, rewind: () => void) => void;
}

/**
 * A play button's timer: while playing, `advance` runs every `intervalMs`
 * and playback stops when it returns false (the end). Stopped when the
 * calling component goes.
 */
export function useStepPlayback(advance: () => boolean, intervalMs = 500): StepPlayback {
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

  function toggle(frames: number, index: number, rewind: () => void): void {
    if (playing.value) {
      stop();
      return;
    }
    if (frames < 2) return;
    if (index >= frames - 1) rewind();
    start();
  }

  onScopeDispose(stop);
  return { playing: readonly(playing), start, stop, toggle };
}
