import { onScopeDispose, readonly, ref, watch, type Ref, type WatchSource } from 'vue';

/**
 * Date.now() that ticks every `intervalMs` while `active` is true (e.g. only
 * while a run is running), so durations count up without a timer per row.
 */
export function useNow(intervalMs = 1000, active: WatchSource<boolean> = () => true): Readonly<Ref<number>> {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | null = null;
  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };
  watch(active, (on) => {
    stop();
    now.value = Date.now();
    if (on) timer = setInterval(() => { now.value = Date.now(); }, intervalMs);
  }, { immediate: true });
  onScopeDispose(stop);
  return readonly(now);
}
