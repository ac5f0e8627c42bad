import { onScopeDispose, ref, watch, type Ref } from 'vue';

/**
 * Whether an element has come within `margin` of the viewport (and stays
 * true from then on): panels below the fold (galleries, the architecture
 * difference) wait for it before asking the server for anything, so opening
 * a view of many runs spends its requests on what is on screen. True at once
 * where the browser cannot tell (no IntersectionObserver).
 */
export function useNearViewport(el: Ref<HTMLElement | null>, margin = '300px'): Ref<boolean> {
  const near = ref(typeof IntersectionObserver === 'undefined');
  if (near.value) return near;
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    near.value = true;
    observer.disconnect();
  }, { rootMargin: margin });
  watch(el, (now) => {
    observer.disconnect();
    if (now && !near.value) observer.observe(now);
  }, { immediate: true, flush: 'post' });
  onScopeDispose(() => observer.disconnect());
  return near;
}
