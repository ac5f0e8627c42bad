/**
 * The renderer's one origin, app://latent, and the exact test of whether a URL
 * belongs to it. Navigation guards, the IPC sender check and the app://
 * protocol handler all ask here, so they cannot disagree.
 *
 * Why parse instead of compare prefixes: `url.startsWith(ours)` let
 * `…/index.html.evil`, `app://latent.evil/` and `app://latent@evil/` through.
 * A URL is ours only when its scheme and host are exactly ours (no port, no
 * user info) and its decoded path names a file inside the renderer folder (no
 * `.` or `..` segment, no backslash or NUL that a file system could read as
 * a separator or terminator). Imports no electron, so unit tests run it.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'latent';
/** What the window loads; the router uses hash history, so every page is this document. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * The file a URL of ours names, relative to the renderer folder and
 * '/'-separated (`index.html` for the bare origin), or null when the URL is
 * not ours or its path could leave the folder. Query and hash are ignored.
 */
export function appPathOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  // `host` includes any port; user info is refused so `app://latent@evil/` (host evil) and `app://x@latent/` both fail.
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username !== '' || parsed.password !== '') return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) return null;
  const rel = segments.join('/');
  return rel === '' ? 'index.html' : rel;
}

/** True when `url` is a page or file of the app's own renderer (see appPathOf). */
export function isAppUrl(url: string): boolean {
  return appPathOf(url) !== null;
}
