import { TOKEN_QUERY_PARAM } from '../../main/common/wire';

export const TOKEN_STORAGE_KEY = 'latent-workbench.token';

export interface TokenEnvironment {
  location: Pick<Location, 'href'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
}

/**
 * The serve-mode access token. It arrives once in the page URL
 * (`/?token=…`, or `/#/path?token=…` if someone pasted a deep link), is kept
 * in sessionStorage for reloads, and is removed from the visible URL so it
 * does not linger in the address bar or in screenshots.
 */
export function takeAccessToken(env: TokenEnvironment): string | null {
  const url = new URL(env.location.href);
  let token = url.searchParams.get(TOKEN_QUERY_PARAM);
  let changed = false;
  if (token !== null) {
    url.searchParams.delete(TOKEN_QUERY_PARAM);
    changed = true;
  }
  const hashQueryAt = url.hash.indexOf('?');
  if (hashQueryAt >= 0) {
    const hashQuery = new URLSearchParams(url.hash.slice(hashQueryAt + 1));
    const fromHash = hashQuery.get(TOKEN_QUERY_PARAM);
    if (fromHash !== null) {
      token ??= fromHash;
      hashQuery.delete(TOKEN_QUERY_PARAM);
      const rest = hashQuery.toString();
      url.hash = url.hash.slice(0, hashQueryAt) + (rest ? `?${rest}` : '');
      changed = true;
    }
  }
  if (changed) {
    env.history.replaceState(env.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }
  token = token?.trim() || null;
  if (token) {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, token);
    } catch {
      // storage disabled: the token still works for this page load
    }
    return token;
  }
  try {
    return env.storage?.getItem(TOKEN_STORAGE_KEY) || null;
  } catch {
    return null;
  }
}
