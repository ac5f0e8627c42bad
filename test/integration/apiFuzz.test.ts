/**
 * Property-based fuzzing of every API method over serve mode's real HTTP
 * server and services (issue 16: "no 5xx, every refusal names the field").
 * Each method gets near-valid bodies walked from its zod schema (one field
 * broken: wrong type, out of range, huge, nested thousands deep, odd unicode,
 * a missing or unknown key) and arbitrary JSON; the raw HTTP layer gets random
 * paths, verbs, content types, bodies and tokens. Fixed seed FUZZ_SEED, so a
 * failure replays; fast-check prints the counterexample and its path.
 *
 * Properties: never a 5xx or a dropped connection; every refusal is
 * { ok: false, error: { code, message } } with a non-empty message and the
 * status of its code; a schema refusal lists issues whose path is in the
 * message ("hyper.epochs: …"), an issue about the body as a whole names one
 * of its keys, and a body that is not an object is refused as such.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiMethods, requestSchemas, type ApiErrorPayload, type ApiMethod } from '../../main/common/api';
import { formatIssue } from '../../workers/common/runConfigBase';
import { createServices, type AppServices } from '../../main/services/appServices';
import { startServer, type RunningServer } from '../../main/server/httpServer';
import { vaeTemplate } from '../../workers/common/families/vae/templates';
import type { RunSummary } from '../../main/common/domain';
import { mlpConfig } from '../helpers/configs';
import { httpApi } from '../helpers/httpApi';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';
import { badValue, schemaArb } from '../helpers/zodArbitrary';

/** The seed of every property here: the issue's number (LATENT_FUZZ_SEED for a longer hunt with another). */
const FUZZ_SEED = Number(process.env.LATENT_FUZZ_SEED ?? 16);
/** Cases per API method: together at least 5,000 (LATENT_FUZZ_CASES, total, for a longer hunt). */
const CASES_PER_METHOD = Math.ceil(Number(process.env.LATENT_FUZZ_CASES ?? 5000) / apiMethods.length);
/** Cases per raw-HTTP property. */
const RAW_CASES = 150;
const MISSING_ID = 987_654;

const token = 'fuzz-token';
let s: AppServices;
let server: RunningServer;
let sandbox: string;
const api = httpApi(() => server.port, token);
const statusCounts = new Map<number, number>();
let cases = 0;

beforeAll(async () => {
  requireBuilt();
  const root = tempDir('latent-fuzz-');
  sandbox = path.join(root, 'files');
  fs.mkdirSync(path.join(sandbox, 'empty-folder'), { recursive: true });
  fs.writeFileSync(path.join(sandbox, 'garbage.bin'), Buffer.from('\x1f\x8b not gzip, not a bundle, not IDX'));
  fs.writeFileSync(path.join(sandbox, 'text.txt'), 'a small corpus for the fuzzer\n');
  fs.writeFileSync(path.join(sandbox, 'model.json'), '{"modelTopology": 1}');
  s = createServices({ dataDir: path.join(root, 'data'), env: { LATENT_BACKEND: 'wasm' } });
  server = await startServer({ services: s, token, rendererDir: path.join(repoRoot, 'dist', 'renderer') });
  // Records for the walked ids to hit (ids 1 exist; most generated ids do not): a finished run has metrics, logs and artifacts.
  await api.ok('experiments.create', { name: 'fuzz target' });
  await api.ok('architectures.save', { name: 'fuzz vae', family: 'vae', architecture: vaeTemplate('mlp', [28, 28, 1], 8) });
  const run = await api.ok<RunSummary>('runs.start', { experimentId: 1, config: mlpConfig({ epochs: 1, batchSize: 16 }, { trainSize: 64, testSize: 32 }) });
  expect(await s.runs.waitForEnd(run.id)).toBe('done');
});
afterAll(async () => {
  await server?.close();
  await s?.close();
  // A summary to quote: how many cases and what they were answered with.
  console.log(`apiFuzz: ${cases} cases, seed ${FUZZ_SEED}, statuses ${JSON.stringify(Object.fromEntries([...statusCounts].sort((a, b) => a[0] - b[0])))}`);
});

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A path the services may read or write: inside the sandbox whatever was generated (never the repo, never "/"). */
function sandboxed(p: unknown): unknown {
  if (typeof p !== 'string') return p;
  const known = ['empty-folder', 'garbage.bin', 'text.txt', 'model.json', 'out.lwbundle'];
  const name = p.replace(/[./\\]/g, '_');
  return path.join(sandbox, known.find((k) => p.includes(k.slice(0, 3))) ?? `fuzz-${name}`);
}

/**
 * Keeps a body from doing what would take the test itself down or out of
 * bounds, leaving everything else as generated:
 * - runs.start, runs.reproduce: the experiment or run never exists, so a body
 *   the schema accepts is refused before a run is queued (a valid random config
 *   would train for up to 1,000 epochs); the whole config schema is still fuzzed.
 * - runs.analyze: the run never exists (each valid request starts an analysis worker).
 * - presets.launch: never a real preset id (each launch starts several runs).
 * - datasets.download: no real set and only a closed local port (no network here).
 * - system.backends: no refresh (each probe loads every backend in a child process).
 * - paths: inside the sandbox folder.
 */
function tame(method: ApiMethod, body: unknown): unknown {
  if (!isRecord(body)) return body;
  const b: Record<string, unknown> = { ...body };
  if (method === 'runs.start' && typeof b.experimentId === 'number') b.experimentId = MISSING_ID;
  if ((method === 'runs.reproduce' || method === 'runs.analyze') && typeof b.id === 'number') b.id = MISSING_ID;
  if (method === 'presets.launch' && typeof b.id === 'string') b.id = `fuzz-${b.id}`;
  if (method === 'datasets.download') {
    if (typeof b.set === 'string' && b.url === undefined) b.url = 'http://127.0.0.1:1/';
    if (typeof b.url === 'string') b.url = b.url.replace(/^\s*https?:\/\/[^/]*/i, 'http://127.0.0.1:1');
  }
  if (method === 'system.backends' && b.refresh === true) b.refresh = false;
  if ('path' in b) b.path = sandboxed(b.path);
  return b;
}

/** The body of any method: mostly walked from its schema, sometimes any JSON at all. */
function bodyArb(method: ApiMethod): fc.Arbitrary<unknown> {
  const schema: z.ZodType = requestSchemas[method];
  return fc.oneof(
    { weight: 6, arbitrary: schemaArb(schema, 10, {}) },
    { weight: 1, arbitrary: badValue },
  ).map((b) => tame(method, b));
}

/** The schema's own keys: the names a whole-body issue (a refine across fields) may use. */
function fieldNames(method: ApiMethod): string[] {
  const schema: z.ZodType = requestSchemas[method];
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

const statusOfCode: Record<ApiErrorPayload['code'], number> = { 'bad-request': 400, unauthorized: 401, 'not-found': 404, conflict: 409, internal: 500 };

/** The refusal properties; `body` is what was sent (for the field names). */
function expectGoodRefusal(method: ApiMethod, body: unknown, status: number, error: ApiErrorPayload): void {
  expect(typeof error.message === 'string' && error.message.trim().length > 0, `${method}: empty message`).toBe(true);
  expect(status, `${method} answered ${status}: ${error.message}`).toBe(statusOfCode[error.code]);
  if (error.code !== 'bad-request' || !error.issues) return;
  const names = fieldNames(method);
  for (const issue of error.issues) {
    expect(error.message).toContain(formatIssue(issue));
    if (issue.path.length > 0) continue;
    if (!isRecord(body)) {
      expect(issue.message).toMatch(/^the request body must be a JSON object/);
      continue;
    }
    // A key of the request schema by name, or a body key quoted as zod quotes an unknown one (`Unrecognized key: "x"`, "" included).
    const named = names.some((n) => issue.message.includes(n)) || Object.keys(body).some((k) => issue.message.includes(JSON.stringify(k)));
    expect(named, `${method}: "${issue.message}" names no field (body keys ${JSON.stringify(Object.keys(body))})`).toBe(true);
  }
}

async function post(method: ApiMethod, body: unknown): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body) ?? '',
  });
  const text = await r.text();
  cases++;
  statusCounts.set(r.status, (statusCounts.get(r.status) ?? 0) + 1);
  expect(r.status, `${method} answered ${r.status}: ${text.slice(0, 500)}`).toBeLessThan(500);
  const wire = JSON.parse(text) as { ok: true } | { ok: false; error: ApiErrorPayload };
  if (wire.ok) expect(r.status).toBe(200);
  else expectGoodRefusal(method, body, r.status, wire.error);
}

/** The methods, those that delete or remove last (they may delete the fixtures the others' ids name). */
const fuzzOrder = [...apiMethods].sort((a, b) => Number(/\.(delete|remove)$/.test(a)) - Number(/\.(delete|remove)$/.test(b)));

describe(`every API method, ${CASES_PER_METHOD} fuzzed bodies each (seed ${FUZZ_SEED})`, () => {
  for (const method of fuzzOrder) {
    it(method, async () => {
      await fc.assert(fc.asyncProperty(bodyArb(method), (body) => post(method, body)), { seed: FUZZ_SEED, numRuns: CASES_PER_METHOD });
    });
  }
});

interface RawAnswer { status: number; text: string }

/** A raw request (node:http, so paths are sent as given, not normalised as fetch would). */
function raw(o: { path: string; method: string; headers: Record<string, string>; body: string }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: o.path, method: o.method, headers: o.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/** Characters a request path may carry as sent (no spaces or controls: node refuses those before sending). */
const pathChar = fc.constantFrom(...'abcxyz.%25%E0%A4%zz%%2F/?=&#-_~:@!$()*+,;0123456789ABCDEF'.split(''));
const rawMethodName = fc.oneof(
  fc.string({ unit: pathChar, maxLength: 30 }),
  fc.constantFrom(...apiMethods).chain((m) => fc.string({ unit: pathChar, maxLength: 6 }).map((t) => `${m}${t}`)),
);
const rawBody = fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.constantFrom('', '{', '{"a":', 'null', '[]', '\uFEFF{}', 'nul', '{"name": "x",}'));
const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/json; charset=latin1');

function expectRawRefusalOrOk(r: RawAnswer): void {
  cases++;
  statusCounts.set(r.status, (statusCounts.get(r.status) ?? 0) + 1);
  expect(r.status, `answered ${r.status}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  const wire = JSON.parse(r.text) as { ok: boolean; error?: ApiErrorPayload };
  if (wire.ok) return;
  expect(r.status).toBeGreaterThanOrEqual(400);
  expect(wire.error?.message.trim().length ?? 0).toBeGreaterThan(0);
}

describe(`the raw HTTP layer, ${RAW_CASES} cases per property (seed ${FUZZ_SEED})`, () => {
  const opts = { seed: FUZZ_SEED, numRuns: RAW_CASES };

  it('random method names in the path (malformed % included) get a JSON 4xx', async () => {
    await fc.assert(fc.asyncProperty(rawMethodName, async (name) => {
      const r = await raw({ path: `/api/${name}`, method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' });
      expectRawRefusalOrOk(r);
    }), opts);
  });

  it('read-only methods with any content type and any body: 200 or a JSON 4xx', async () => {
    const readOnly = fc.constantFrom('experiments.list', 'runs.list', 'datasets.list', 'settings.get', 'system.info', 'runs.get', 'architectures.list');
    await fc.assert(fc.asyncProperty(readOnly, contentType, rawBody, async (m, type, body) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (type) headers['Content-Type'] = type;
      expectRawRefusalOrOk(await raw({ path: `/api/${m}`, method: 'POST', headers, body }));
    }), opts);
  });

  it('a missing or wrong token is a 401 with a message, whatever else is sent', async () => {
    const auth = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 40 }).map((t) => `Bearer ${t.replace(/[\r\n]/g, '')}x`), fc.constantFrom(`bearer ${token}x`, token, `Basic ${token}`, 'Bearer'));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...apiMethods), auth, rawBody, async (m, a, body) => {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (a !== undefined) headers.Authorization = a;
      const r = await raw({ path: `/api/${m}`, method: 'POST', headers, body });
      expectRawRefusalOrOk(r);
      expect(r.status).toBe(401);
    }), opts);
  });

  it('other verbs on API paths are a JSON 405', async () => {
    const verb = fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
    await fc.assert(fc.asyncProperty(verb, fc.constantFrom(...apiMethods), async (v, m) => {
      const r = await raw({ path: `/api/${m}`, method: v, headers: { Authorization: `Bearer ${token}` }, body: '' });
      cases++;
      statusCounts.set(r.status, (statusCounts.get(r.status) ?? 0) + 1);
      expect(r.status).toBe(405);
      if (v !== 'HEAD') expect(JSON.parse(r.text)).toMatchObject({ ok: false, error: { code: 'bad-request', message: 'Use POST for API calls' } });
    }), opts);
  });
});
