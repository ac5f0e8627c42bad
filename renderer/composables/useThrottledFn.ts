import { onScopeDispose } from 'vue';

/**
 * Calls `fn` at most once per `intervalMs` (leading and trailing edge).
 * Pending calls are dropped when the owning scope is disposed.
 */
export function useThrottledFn(fn: () => void, intervalMs: number): { schedule: () => void; flush: () => void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const run = () => {
    timer = null;
    if (disposed) return;
    last = performance.now();
    fn();
  };

  const schedule = () => {
    if (disposed || timer !== null) return;
    const wait = intervalMs - (performance.now() - last);
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };

  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    run();
  };

  onScopeDispose(() => {
    disposed = true;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  });

  return { schedule, flush };
}
