/**
 * The app:// protocol handler (main/electron/appProtocol.ts) called with web
 * Requests as Electron would: files of the renderer folder with the CSP
 * header, and 404 for a missing file or any way out of the folder (dot
 * segments in every encoding, backslashes, a junction pointing outside).
 * Last, the built renderer's index.html: every file it references resolves
 * under app://latent/ and is served.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from '../../../main/electron/appProtocol';
import { contentSecurityPolicy } from '../../../main/server/staticFiles';
import { repoRoot, tempDir } from '../../helpers/tempDir';

let root = '';
let handle: (r: Request) => Promise<Response>;

beforeAll(() => {
  const base = tempDir();
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>ours</title>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'export const ours = 1;\n');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'outside');
  fs.mkdirSync(path.join(base, 'outside'));
  fs.writeFileSync(path.join(base, 'outside', 'secret.txt'), 'outside');
  // A junction needs no privilege on Windows; elsewhere it is a directory symlink.
  fs.symlinkSync(path.join(base, 'outside'), path.join(root, 'link'), 'junction');
  handle = createAppProtocolHandler(root);
});

describe('app:// protocol handler', () => {
  it('serves index.html for the origin and for its name, with the CSP and nosniff headers', async () => {
    for (const url of ['app://latent/', 'app://latent/index.html', 'app://latent/index.html#/runs']) {
      const res = await handle(new Request(url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toBe('<!doctype html><title>ours</title>');
    }
  });

  it('serves an asset with its type and the CSP header; HEAD has no body', async () => {
    const res = await handle(new Request('app://latent/assets/app.js?v=2'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(await res.text()).toBe('export const ours = 1;\n');
    const head = await handle(new Request('app://latent/assets/app.js', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it.each([
    'app://latent/../../etc/passwd',
    'app://latent/../secret.txt',
    'app://latent/%2e%2e/secret.txt',
    'app://latent/%2E%2E/%2e%2E/etc/passwd',
    'app://latent/..%2fsecret.txt',
    'app://latent/assets/..%2f..%2fsecret.txt',
    'app://latent/..%5csecret.txt',
    'app://latent/link/secret.txt',
    'app://latent/missing.js',
    'app://latent/assets',
    // (A URL with user info cannot even become a Request; appOrigin.test.ts covers it.)
    'app://latent.evil/index.html',
  ])('refuses %s with 404 and still sends the CSP', async (url) => {
    const res = await handle(new Request(url));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(await res.text()).toBe('Not found');
  });

  it('refuses a method other than GET or HEAD with 405', async () => {
    const res = await handle(new Request('app://latent/index.html', { method: 'POST', body: 'x' }));
    expect(res.status).toBe(405);
  });

  it('the built renderer loads under app://latent/: every src and href in index.html is relative and served', async () => {
    const dist = path.join(repoRoot, 'dist', 'renderer');
    const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(2);
    const built = createAppProtocolHandler(dist);
    for (const ref of refs) {
      const url = new URL(ref, 'app://latent/index.html').href;
      expect(url.startsWith('app://latent/')).toBe(true);
      expect((await built(new Request(url))).status, url).toBe(200);
    }
  });
});
