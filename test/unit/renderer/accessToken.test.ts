import { describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY, takeAccessToken } from '../../../renderer/api/accessToken';

function env(href: string, stored: string | null = null) {
  const storage = new Map<string, string>();
  if (stored !== null) storage.set(TOKEN_STORAGE_KEY, stored);
  const replaced: string[] = [];
  return {
    replaced,
    storage,
    env: {
      location: { href },
      history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => { replaced.push(String(url)); } },
      storage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => { storage.set(k, v); } },
    },
  };
}

describe('serve-mode access token', () => {
  it('takes the token from the query, stores it and removes it from the URL', () => {
    const e = env('http://127.0.0.1:4000/?token=abc&x=1#/runs/3');
    expect(takeAccessToken(e.env)).toBe('abc');
    expect(e.storage.get(TOKEN_STORAGE_KEY)).toBe('abc');
    expect(e.replaced).toEqual(['/?x=1#/runs/3']);
  });

  it('accepts a token inside the hash route query', () => {
    const e = env('http://127.0.0.1:4000/#/settings?token=xyz');
    expect(takeAccessToken(e.env)).toBe('xyz');
    expect(e.replaced).toEqual(['/#/settings']);
  });

  it('falls back to sessionStorage on reload, without touching the URL', () => {
    const e = env('http://127.0.0.1:4000/#/', 'kept');
    expect(takeAccessToken(e.env)).toBe('kept');
    expect(e.replaced).toEqual([]);
  });

  it('returns null when there is none', () => {
    expect(takeAccessToken(env('http://127.0.0.1:4000/').env)).toBeNull();
  });
});
