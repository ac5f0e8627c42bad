import { onScopeDispose, readonly, ref, type Ref } from 'vue';

export type ColorScheme = 'light' | 'dark';

/** The system colour scheme, live (prefers-color-scheme). */
export function useColorScheme(): Readonly<Ref<ColorScheme>> {
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  const scheme = ref<ColorScheme>(query.matches ? 'dark' : 'light');
  const onChange = (ev: MediaQueryListEvent) => { scheme.value = ev.matches ? 'dark' : 'light'; };
  query.addEventListener('change', onChange);
  onScopeDispose(() => query.removeEventListener('change', onChange));
  return readonly(scheme);
}
