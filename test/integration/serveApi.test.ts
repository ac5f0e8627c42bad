/**
 * Serve mode's transport: the token, the host check, request validation and
 * live events over the WebSocket, against the real services.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createServices, type AppServices } from '../../main/services/appServices';
import { startServer, type RunningServer } from '../../main/server/httpServer';
import type { WireEvent, WireResult } from '../../main/common/wire';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const token = 'test-token-123';
let s: AppServices;
let server: RunningServer;

beforeAll(async () => {
  requireBuilt();
  s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
  server = await startServer({ services: s, token, rendererDir: path.join(repoRoot, 'dist', 'renderer') });
});
afterAll(async () => { await server.close(); await s.close(); });

async function call(method: string, body: unknown, auth = token): Promise<{ status: number; body: WireResult<unknown> }> {
  const r = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as WireResult<unknown> };
}

describe('serve mode API', () => {
  it('binds 127.0.0.1 and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${token}`);
  });

  it('requires the token', async () => {
    const r = await call('experiments.list', {}, 'wrong');
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: '/api/experiments.list', method: 'POST', headers: { Host: 'evil.example:80', Authorization: `Bearer ${token}` } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(421);
  });

  it('validates every request and answers with clear errors', async () => {
    expect((await call('experiments.create', { name: '' })).body).toMatchObject({ ok: false, error: { code: 'bad-request', issues: [{ path: ['name'], message: 'name must not be empty' }] } });
    expect((await call('experiments.create', '{oops')).status).toBe(400);
    expect((await call('no.such', {})).status).toBe(404);
    expect((await call('runs.get', { id: 999 })).body).toMatchObject({ ok: false, error: { code: 'not-found', message: 'Run 999 does not exist' } });
  });

  it('serves calls and pushes run events to a token-holding WebSocket only', async () => {
    const bad = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=nope`);
    await expect(new Promise((resolve, reject) => { bad.on('open', resolve); bad.on('error', reject); })).rejects.toThrow(/401/);

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${token}`);
    await new Promise((r) => ws.on('open', r));
    const events: WireEvent[] = [];
    ws.on('message', (d: Buffer) => events.push(JSON.parse(d.toString()) as WireEvent));

    const exp = (await call('experiments.create', { name: 'served' })).body;
    expect(exp.ok).toBe(true);
    const id = (exp as { ok: true; result: { id: number } }).result.id;
    const started = await call('runs.start', { experimentId: id, config: { family: 'classifier', dataset: { id: 'mnist', trainSize: 300, testSize: 100 }, hyper: { epochs: 1 } } });
    expect(started.status).toBe(200);
    const runId = (started.body as { ok: true; result: { id: number } }).result.id;
    await s.runs.waitForEnd(runId);
    await new Promise((r) => setTimeout(r, 100));
    ws.close();
    expect(events.some((e) => e.event === 'runs.onDidLogMetrics')).toBe(true);
    const last = events.filter((e) => e.event === 'runs.onDidChange').pop();
    expect(last?.payload).toMatchObject({ id: runId, status: 'done' });
  });

  it('serves the built renderer with a strict CSP, and nothing outside it', async () => {
    const r = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await r.text()).toContain('<div id="app"');
    const up = await fetch(`http://127.0.0.1:${server.port}/..%2f..%2fpackage.json`);
    expect([403, 404]).toContain(up.status);
  });
});
