/**
 * The app:// protocol's handler: serves the built renderer (dist/renderer)
 * to the window as app://latent/<file>, with the strict CSP on every
 * response. Serving from our own origin rather than file:// means the page
 * cannot read other local files, and origin checks compare one exact origin.
 *
 * A request is answered only for a file inside the folder: the URL must be
 * ours (appOrigin.ts, which refuses `..` however it is encoded), and the
 * resolved path is checked again against the folder (symlinks included), so
 * a traversal that slipped past the URL check still gets 404. There is no
 * history fallback: the router uses hash URLs, so an unknown path is a
 * missing file. Imports no electron (tests call it with web Requests).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { contentSecurityPolicy, rendererContentTypes as contentTypes } from '../server/staticFiles';
import { appPathOf } from './appOrigin';


/** Headers on every answer, errors included, so no response of ours goes out without the CSP. */
function baseHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

function refuse(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The real path of a file inside `root`, or null when it is missing, not a file, or outside (a symlink out included). */
async function fileInside(root: string, rel: string): Promise<string | null> {
  try {
    const realRoot = await fs.realpath(root);
    const real = await fs.realpath(path.resolve(realRoot, ...rel.split('/')));
    if (!real.startsWith(realRoot + path.sep)) return null;
    return (await fs.stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** The handler for `protocol.handle('app', …)`, serving files of `root` (the built renderer folder). */
export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');
    const rel = appPathOf(request.url);
    const file = rel === null ? null : await fileInside(root, rel);
    if (file === null) return refuse(404, 'Not found');
    const body = request.method === 'HEAD' ? null : await fs.readFile(file);
    return new Response(body, {
      status: 200,
      headers: { ...baseHeaders(), 'Content-Type': contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream' },
    });
  };
}
