/**
 * Offline, proved: a whole workflow in Chromium against `serve` — a new
 * experiment, a classifier run to done, a VAE run's gallery, a GAN's
 * diagnostics on the ring of 8 Gaussians, the architecture editor, the run
 * comparison, a dataset import with its progress bar and checksum, and
 * "Download…" failing offline — with every request that is not to serve's
 * own origin failed and recorded (context.route), every WebSocket and failed
 * request recorded, and none attempted. The same page proves the CSP: the
 * header and the meta tag allow nothing remote, no eval, and an injected
 * inline script is blocked. The built renderer names no font or CDN host.
 *
 * Runs are tiny (seeds 7, 3 and 11; a few hundred examples, one epoch).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { appVersion } from '../../main/services/appInfo';
import { launchBrowser } from '../helpers/browser';
import { requireFashionMnist } from '../helpers/datasetFixtures';
import { startServe, type ServeProcess } from '../helpers/serveProcess';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

let serve: ServeProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Requests to anything but serve's origin: failed by the route and listed here. */
const blocked: string[] = [];
/** Every request the context saw (the route's and the event's view agree on what left 127.0.0.1). */
const requested: string[] = [];
const sockets: string[] = [];
const failed: string[] = [];
const problems: string[] = [];
/** Answers of serve with an error status: path and status. */
const errorAnswers: string[] = [];

/** data: and blob: URLs are made in the page and never reach a network. */
const local = (url: string): boolean => url.startsWith(`${serve.origin}/`) || url.startsWith('data:') || url.startsWith('blob:');

beforeAll(async () => {
  requireBuilt();
  requireFashionMnist();
  serve = await startServe(tempDir(), { LATENT_BACKEND: 'wasm' });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (local(url)) await route.continue();
    else {
      blocked.push(url);
      await route.abort('blockedbyclient');
    }
  });
  context.on('request', (r) => requested.push(r.url()));
  context.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText ?? '?'}`));
  page = await context.newPage();
  page.on('websocket', (ws) => sockets.push(ws.url()));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => { if (r.status() >= 400) errorAnswers.push(`${new URL(r.url()).pathname} ${r.status()}`); });
});
afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

async function newRun(experiment: string): Promise<void> {
  await page.goto(new URL('/#/', serve.origin).href);
  await page.getByTestId('experiment-link').filter({ hasText: experiment }).click();
  await page.getByTestId('new-run-button').click();
}

async function fill(fields: Record<string, string>): Promise<void> {
  for (const [field, value] of Object.entries(fields)) await page.getByTestId(`field-${field}`).fill(value);
}

async function startAndWait(): Promise<number> {
  await expect.poll(async () => page.getByTestId('start-run').isDisabled()).toBe(false);
  await page.getByTestId('start-run').click();
  await page.waitForURL(/#\/runs\/\d+/);
  const id = Number(/#\/runs\/(\d+)/.exec(page.url())?.[1]);
  await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 120_000, interval: 500 }).toContain('done');
  return id;
}

/** A CSP string as directive → sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name!, sources]));
}

/** Sources that reach nothing beyond this machine. */
const localSources = new Set(["'self'", "'none'", 'data:', 'blob:', 'ws://127.0.0.1:*', 'ws://localhost:*']);

function checkPolicy(csp: string, where: string): void {
  const d = directives(csp);
  expect(d.get('default-src'), where).toEqual(["'self'"]);
  const script = d.get('script-src') ?? d.get('default-src')!;
  expect(script, where).not.toContain("'unsafe-eval'");
  expect(script, where).not.toContain("'unsafe-inline'");
  for (const [name, sources] of d) {
    for (const s of sources) expect(localSources.has(s), `${where}: ${name} allows ${s}`).toBe(true);
  }
  for (const s of d.get('connect-src') ?? []) expect(["'self'", 'ws://127.0.0.1:*', 'ws://localhost:*'], `${where}: connect-src`).toContain(s);
}

/** Hosts the built renderer may name: XML and JSON-schema namespace ids and Vue's error-reference link (never fetched), and loopback. */
const allowedBundleHosts = new Set(['www.w3.org', 'json-schema.org', 'vuejs.org', '127.0.0.1']);

/** Every http(s) URL in dist/renderer with a host (a bare "https://" in a message or a template's "http://[${host}]" has none). */
function bundleUrls(): { file: string; url: string; host: string }[] {
  const root = path.join(repoRoot, 'dist', 'renderer');
  const found: { file: string; url: string; host: string }[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { walk(p); continue; }
      if (!/\.(js|css|html|svg|json)$/.test(e.name)) continue;
      for (const m of fs.readFileSync(p, 'utf8').matchAll(/https?:\/\/([A-Za-z0-9.-]+\.[A-Za-z]{2,}|\d+\.\d+\.\d+\.\d+)[^\s"'`)<>]*/g)) {
        found.push({ file: path.relative(root, p), url: m[0], host: m[1]! });
      }
    }
  };
  walk(root);
  return found;
}

/** Is a /proc/net address (hex, kernel byte order) loopback or unbound? IPv4 8 hex digits, IPv6 32. */
function localAddress(hex: string): boolean {
  if (/^0+$/.test(hex)) return true;
  if (hex.length === 8) return hex.endsWith('7F'); // 127.x.x.x, little-endian
  if (hex === '00000000000000000000000001000000') return true; // ::1
  return /^0000000000000000FFFF0000[0-9A-F]{6}7F$/.test(hex); // ::ffff:127.x.x.x
}

/**
 * The serve process's open TCP and UDP sockets whose remote end is neither
 * loopback nor unbound (Linux /proc: the process's socket inodes, matched in
 * its network namespace's tables). A snapshot: it finds a connection held
 * open (a telemetry channel, an update poller), not one already closed.
 */
function outboundSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // Closed while listed.
    }
  }
  const out: string[] = [];
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
    for (const line of fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [remote = '', inode = ''] = [cols[2]?.split(':')[0], cols[9]];
      if (inodes.has(inode) && !localAddress(remote)) out.push(`${table} ${cols[1]!} -> ${cols[2]!}`);
    }
  }
  return out;
}

describe('offline by design', () => {
  it('runs the whole workflow with every request to another host failed, and none attempted', async () => {
    const response = await page.goto(serve.url);
    await page.getByTestId('new-experiment-name').fill('Offline');
    await page.getByTestId('create-experiment').click();

    // The version the services report, in the top bar.
    await expect.poll(async () => page.getByTestId('app-title').textContent()).toBe(`Latent Workbench ${appVersion}`);

    // A classifier run, to done; its page names the version that recorded it.
    await newRun('Offline');
    await fill({ trainSize: '500', testSize: '100', epochs: '1', batchSize: '50', seed: '7', name: 'offline-mlp' });
    const mlp = await startAndWait();
    expect(await page.getByTestId('run-app-version').textContent()).toBe(`Latent Workbench ${appVersion}`);

    // The architecture editor, on the run's network.
    await page.goto(new URL(`/#/runs/${mlp}/architecture`, serve.origin).href);
    await page.getByTestId('architecture-editor').waitFor();
    await expect.poll(async () => page.getByTestId('layer-node').count()).toBeGreaterThan(1);

    // A VAE run's gallery.
    await newRun('Offline');
    await page.getByTestId('field-family').selectOption('vae');
    await page.getByTestId('field-latentDim').waitFor();
    await fill({ latentDim: '2', trainSize: '500', testSize: '100', epochs: '1', batchSize: '50', sampleEverySteps: '5', seed: '3', name: 'offline-vae' });
    const vae = await startAndWait();
    const gallery = page.getByTestId('gallery');
    await gallery.getByTestId('gallery-kind-samples').click();
    await expect.poll(async () => gallery.locator('img, canvas').count(), { timeout: 30_000 }).toBeGreaterThan(0);

    // A GAN's diagnostics: the ring's decision surface and points.
    await newRun('Offline');
    await page.getByTestId('field-family').selectOption('gan');
    await page.getByTestId('field-ganData').selectOption('ring8');
    await page.getByTestId('field-toyStepsPerEpoch').waitFor();
    await fill({ toyStepsPerEpoch: '40', epochs: '1', sampleEverySteps: '20', batchSize: '64', seed: '11', name: 'offline-gan' });
    await startAndWait();
    await page.getByTestId('toy-density-chart').waitFor({ timeout: 30_000 });
    expect(Number(await page.getByTestId('toy-density-chart').getAttribute('data-real'))).toBeGreaterThan(0);

    // The comparison of the classifier and the VAE.
    await page.goto(new URL(`/#/compare?runs=${mlp},${vae}`, serve.origin).href);
    await expect.poll(async () => page.getByTestId('compare-chart').count(), { timeout: 30_000 }).toBeGreaterThan(0);

    // A dataset import: its progress bar ends on the recorded checksum, which the table shows.
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('import-kind').selectOption('idx');
    await page.getByTestId('import-name').fill('Fashion offline');
    await page.getByTestId('import-path').fill('/usr/share/datasets/fashion-mnist');
    await page.getByTestId('import-submit').click();
    const bar = page.getByTestId('dataset-import-form').getByTestId('import-progress');
    await expect.poll(async () => bar.getAttribute('data-stage'), { timeout: 60_000 }).toBe('done');
    const label = await bar.getByTestId('import-progress-label').textContent();
    expect(label).toMatch(/^Imported · sha256:[0-9a-f]{12}…$/);
    const row = page.getByTestId('dataset-row').filter({ hasText: 'Fashion offline' });
    expect(await row.getByTestId('dataset-checksum').textContent()).toBe(label!.replace('Imported · ', ''));

    expect(problems).toEqual([]);
    expect(errorAnswers).toEqual([]);

    // Download… only acts on its button; without a network it says so and records nothing.
    await page.getByTestId('dataset-download-open').click();
    await page.getByTestId('download-source').selectOption('url');
    await page.getByTestId('download-name').fill('Never');
    await page.getByTestId('download-url').fill('http://fashion-mnist.invalid/data/');
    await page.getByTestId('download-submit').click();
    await expect.poll(async () => page.getByTestId('download-error').textContent(), { timeout: 30_000 }).toContain('This machine appears to be offline: cannot reach fashion-mnist.invalid');
    expect(await page.getByTestId('dataset-row').filter({ hasText: 'Never' }).count()).toBe(0);

    // What left the page: only serve's origin and its WebSocket.
    expect(blocked).toEqual([]);
    expect(requested.filter((u) => !local(u))).toEqual([]);
    expect(requested.length).toBeGreaterThan(50);
    expect(sockets.length).toBeGreaterThan(0);
    for (const ws of sockets) expect(ws.startsWith(`ws://127.0.0.1:${new URL(serve.origin).port}/`), ws).toBe(true);
    // Navigations cancel fetches in flight (net::ERR_ABORTED); nothing else may fail.
    expect(failed.filter((f) => !f.endsWith('net::ERR_ABORTED'))).toEqual([]);
    // The one refusal: the offline download's answer (the browser logs its status as a console error).
    expect(errorAnswers).toEqual(['/api/datasets.download 400']);
    expect(problems).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);

    // The server side holds no connection beyond this machine either.
    const pid = serve.child.pid!;
    expect(fs.readdirSync(`/proc/${pid}/fd`).length).toBeGreaterThan(0);
    expect(outboundSockets(pid)).toEqual([]);

    // The CSP, as served and as the page's meta tag.
    checkPolicy(response!.headers()['content-security-policy'] ?? '', 'header');
    checkPolicy(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content') ?? '', 'meta');
  }, 240_000);

  it('blocks an injected inline script with a securitypolicyviolation', async () => {
    const violation = await page.evaluate(() => new Promise<{ directive: string; blocked: string } | null>((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve({ directive: e.effectiveDirective, blocked: e.blockedURI }), { once: true });
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true;';
      document.head.appendChild(s);
      setTimeout(() => resolve(null), 3000);
    }));
    expect(violation).toEqual({ directive: 'script-src-elem', blocked: 'inline' });
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
    expect(problems.some((p) => p.includes('Content Security Policy'))).toBe(true);
  });

  it('catches what it should: a navigation elsewhere (which no CSP stops) is failed and recorded', async () => {
    expect(blocked).toEqual([]);
    const probe = await context.newPage();
    // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): never a real host.
    const error = await probe.goto('http://203.0.113.7/font.woff2').then(() => null, (e: Error) => e.message);
    await probe.close();
    expect(error).toContain('net::ERR_BLOCKED_BY_CLIENT');
    expect(blocked).toEqual(['http://203.0.113.7/font.woff2']);
  });

  it('ships a renderer that names no font, CDN or other remote host', () => {
    const urls = bundleUrls();
    const hosts = [...new Set(urls.map((u) => u.host))].sort();
    // What the build holds today (namespace ids, Vue's error reference, serve's printed address): listed, so a new one is a decision.
    expect(hosts.filter((h) => !allowedBundleHosts.has(h)), JSON.stringify(urls, null, 1)).toEqual([]);
    expect(urls.filter((u) => /font|cdn|googleapis|gstatic|unpkg|jsdelivr/i.test(u.url))).toEqual([]);
  });
});
