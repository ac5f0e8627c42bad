/**
 * Which links the window may hand to the system browser.
 *
 * The app itself links to no outside page; the only links in the renderer
 * are the ones a researcher writes in a run's notes (renderer/lib/markdown.ts
 * keeps http and https only). So there is no host allowlist to keep: an
 * https link with no user info may be offered, and main.ts opens it only
 * after the user confirms a native dialog that shows the exact URL, which a
 * compromised page cannot click for them. Everything else (http, file:,
 * custom schemes that start other programs, `https://user@host` look-alikes)
 * is refused with a reason for the log. Imports no electron.
 */

export type ExternalLinkDecision =
  | { kind: 'ask'; url: string; host: string }
  | { kind: 'deny'; reason: string };

export function externalLinkDecision(url: string): ExternalLinkDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'deny', reason: 'not a URL' };
  }
  if (parsed.protocol !== 'https:') return { kind: 'deny', reason: `${parsed.protocol} links are not opened (https only)` };
  if (parsed.username !== '' || parsed.password !== '') return { kind: 'deny', reason: 'links with user info (user@host) are not opened: they hide the real host' };
  // The normalised form (punycode host, resolved dots) is what the dialog shows and what is opened.
  return { kind: 'ask', url: parsed.href, host: parsed.host };
}
