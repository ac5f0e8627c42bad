/**
 * The desktop window's origin test (main/electron/appOrigin.ts) and the
 * external-link policy (main/electron/externalLinks.ts), over tables of URLs
 * an attacker would try: look-alike hosts, user info, ports, other schemes,
 * and `..` in every encoding.
 */
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, appPathOf, isAppUrl } from '../../../main/electron/appOrigin';
import { externalLinkDecision } from '../../../main/electron/externalLinks';

describe('isAppUrl', () => {
  it.each([
    [APP_INDEX_URL, 'index.html'],
    ['app://latent/', 'index.html'],
    ['app://latent', 'index.html'],
    ['app://latent/index.html#/runs/3?tab=curves', 'index.html'],
    ['app://latent/assets/index-Ab12.js', 'assets/index-Ab12.js'],
    ['app://latent/assets/a%20b.css', 'assets/a b.css'],
    // The URL parser resolves dot segments, plain or %2e-encoded, before we look: these stay inside.
    ['app://latent/assets/../index.html', 'index.html'],
    ['app://latent/%2e%2e/%2e%2e/etc/passwd', 'etc/passwd'],
  ])('%s is ours, naming %s', (url, rel) => {
    expect(isAppUrl(url)).toBe(true);
    expect(appPathOf(url)).toBe(rel);
  });

  it.each([
    'app://latent.evil/index.html',
    'app://latent@evil/index.html',
    'app://x@latent/index.html',
    'app://latent:@evil/',
    'app://latent:8080/index.html',
    'app://evil/latent/index.html',
    'app://LATENT/index.html',
    'apps://latent/index.html',
    'file:///opt/latent/dist/renderer/index.html',
    'file:///opt/latent/dist/renderer/index.html.evil',
    'https://latent/index.html',
    'http://127.0.0.1:5173/index.html',
    'about:blank',
    'data:text/html,<script>1</script>',
    'javascript:alert(1)',
    'blob:app://latent/0c8f',
    // Encoded separators survive URL parsing and decode to a traversal, backslash or NUL.
    'app://latent/..%2f..%2fetc/passwd',
    'app://latent/assets/..%5c..%5csecret',
    'app://latent/index.html%00.js',
    'app://latent/%E0%A4%A',
    '',
    'not a url',
  ])('%s is not ours', (url) => {
    expect(isAppUrl(url)).toBe(false);
    expect(appPathOf(url)).toBeNull();
  });
});

describe('externalLinkDecision', () => {
  it('offers an https link, normalised as it will be shown and opened', () => {
    expect(externalLinkDecision('https://www.tensorflow.org/js/guide?x=1#a')).toEqual({ kind: 'ask', url: 'https://www.tensorflow.org/js/guide?x=1#a', host: 'www.tensorflow.org' });
    // A look-alike host is shown in punycode, so the dialog names the real host.
    expect(externalLinkDecision('https://exаmple.com/')).toEqual({ kind: 'ask', url: 'https://xn--exmple-4nf.com/', host: 'xn--exmple-4nf.com' });
  });

  it.each([
    ['http://example.org/', 'http: links are not opened (https only)'],
    ['file:///etc/passwd', 'file: links are not opened (https only)'],
    ['smb://host/share', 'smb: links are not opened (https only)'],
    ['ms-msdt:/id PCWDiagnostic', 'ms-msdt: links are not opened (https only)'],
    ['javascript:alert(1)', 'javascript: links are not opened (https only)'],
    ['https://docs.example@evil.example/', 'links with user info (user@host) are not opened: they hide the real host'],
    ['nonsense', 'not a URL'],
  ])('refuses %s', (url, reason) => {
    expect(externalLinkDecision(url)).toEqual({ kind: 'deny', reason });
  });
});
