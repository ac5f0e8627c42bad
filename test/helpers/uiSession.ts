/**
 * One end-to-end session per test file: `serve` on a fresh data folder and a
 * Chromium page on it, with what must never happen recorded in `problems`
 * (console errors, page errors, and any request that leaves 127.0.0.1), and
 * the serve HTTP API with the printed token for set-up and for checking what
 * the UI shows. Registers its own beforeAll/afterAll.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { serveApi, startServe, type ServeProcess } from './serveProcess';
import { requireBuilt, tempDir } from './tempDir';

export interface UiSession {
  readonly serve: ServeProcess;
  readonly browser: Browser;
  readonly page: Page;
  readonly problems: string[];
  /** serve's data folder (what a test checks on disk: a deleted run's folder). */
  readonly dataDir: string;
  api<T>(method: string, body: unknown): Promise<T>;
  /** Waits until every run has ended as done (runs.get, polled every half second). */
  waitForDone(runs: readonly { id: number }[], timeoutMs?: number): Promise<void>;
  /** Opens a hash route (`/#/compare?runs=1,2`): the printed URL first, whose access token the app keeps for the pages after. */
  openRoute(route: string): Promise<void>;
}

/**
 * `prepare` runs on the fresh data folder before serve opens it (a test that
 * seeds the database directly); `start` starts serve on it (default
 * startServe; the full-disk test copies it onto a filled tmpfs first).
 */
export function uiSession(
  env: Record<string, string> = { LATENT_BACKEND: 'wasm' },
  prepare?: (dataDir: string) => void | Promise<void>,
  start: (dataDir: string, env: Record<string, string>) => Promise<ServeProcess> = startServe,
): UiSession {
  let serve: ServeProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const problems: string[] = [];
  let dataDir: string | undefined;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`uiSession: ${what} is used before beforeAll started it`);
    return v;
  };

  beforeAll(async () => {
    requireBuilt();
    dataDir = tempDir();
    await prepare?.(dataDir);
    const s = await start(dataDir, env);
    serve = s;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(s.origin) && !url.startsWith('ws://127.0.0.1') && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`external request: ${url}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  return {
    get serve() { return need(serve, 'serve'); },
    get browser() { return need(browser, 'the browser'); },
    get page() { return need(page, 'the page'); },
    problems,
    get dataDir() { return need(dataDir, 'the data folder'); },
    api<T>(method: string, body: unknown): Promise<T> {
      return serveApi<T>(need(serve, 'serve'), method, body);
    },
    async waitForDone(runs: readonly { id: number }[], timeoutMs = 180_000): Promise<void> {
      const s = need(serve, 'serve');
      for (const r of runs) {
        await expect.poll(async () => (await serveApi<{ status: string }>(s, 'runs.get', { id: r.id })).status, { timeout: timeoutMs, interval: 500 }).toBe('done');
      }
    },
    async openRoute(route: string): Promise<void> {
      const p = need(page, 'the page');
      const s = need(serve, 'serve');
      await p.goto(s.url);
      await p.goto(new URL(route, s.origin).href);
    },
  };
}
