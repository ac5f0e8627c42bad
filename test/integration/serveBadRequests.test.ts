/**
 * Serve mode refuses bad requests with a 4xx that names the problem (issue 16
 * point 7), against the real HTTP server and services: layer params nested
 * 5,000 deep, a malformed "%" in the method name, a body over the 16 MB limit.
 */
import * as http from 'node:http';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { startServer, type RunningServer } from '../../main/server/httpServer';
import { MAX_BODY } from '../../main/server/requestBody';
import type { ArchitectureInfo } from '../../main/common/domain';
import { vaeTemplate } from '../../workers/common/families/vae/templates';
import { httpApi } from '../helpers/httpApi';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const token = 'bad-requests-token';
let s: AppServices;
let server: RunningServer;
const api = httpApi(() => server.port, token);

beforeAll(async () => {
  requireBuilt();
  s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
  server = await startServer({ services: s, token, rendererDir: path.join(repoRoot, 'dist', 'renderer') });
});
afterAll(async () => { await server.close(); await s.close(); });

/** A raw POST (the body as bytes, so a test can send what JSON.stringify could not make). */
function post(urlPath: string, body: string | Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: urlPath, method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('bad requests over serve HTTP', () => {
  it('refuses layer params nested 5,000 deep with a 400 naming the field, and saves nothing', async () => {
    const doc = vaeTemplate('mlp', [28, 28, 1], 8);
    const node = doc.parts['encoder']!.nodes[1]!;
    node.params = { ...node.params, extra: '__DEEP__' };
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const body = JSON.stringify({ name: 'deep', family: 'vae', architecture: doc }).replace('"__DEEP__"', deep);
    const r = await post('/api/architectures.save', body);
    expect(r.status).toBe(400);
    const parsed = JSON.parse(r.text) as { ok: false; error: { code: string; message: string; issues: { path: string[]; message: string }[] } };
    expect(parsed.error.code).toBe('bad-request');
    expect(parsed.error.issues[0]!.path.slice(0, 7)).toEqual(['architecture', 'parts', 'encoder', 'nodes', '1', 'params', 'extra']);
    expect(parsed.error.issues[0]!.message).toBe('layer params: values may nest at most 8 levels deep (objects and arrays)');
    expect(await api.ok<ArchitectureInfo[]>('architectures.list', {})).toEqual([]);
  });

  it('answers a malformed "%" in the method name with a 400, not a 500', async () => {
    const r = await post('/api/runs.list%E0%A4%A', '{}');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('malformed percent-encoding') as unknown } });
  });

  it('answers a body over 16 MB with a 413 and a message the client receives (no reset), then closes', async () => {
    const r = await post('/api/experiments.create', Buffer.alloc(MAX_BODY + 1024 * 1024, 0x20));
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('close');
    expect(JSON.parse(r.text)).toEqual({ ok: false, error: { code: 'bad-request', message: 'Request body is larger than the 16 MB limit' } });
    // The server is still answering.
    expect(await api.ok<unknown[]>('experiments.list', {})).toEqual([]);
  });

  it('answers a declared oversize body (Content-Length) with the same 413 via fetch', async () => {
    const r = await fetch(`http://127.0.0.1:${server.port}/api/experiments.create`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: new Uint8Array(MAX_BODY + 1),
    });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ ok: false, error: { message: 'Request body is larger than the 16 MB limit' } });
  });
});
