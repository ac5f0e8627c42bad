/**
 * The Electron shell, with Electron's own modules replaced by recorders
 * (Electron cannot be downloaded on these machines): the window's security
 * settings, blocked navigation, the CSP header, and IPC calls reaching the
 * real services only from our own page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { IPC_CALL_CHANNEL } from '../../../main/common/wire';
import { repoRoot, tempDir } from '../../helpers/tempDir';

const rec = vi.hoisted(() => ({
  windows: [] as { options: Record<string, unknown>; handlers: Record<string, (...a: unknown[]) => void>; openHandler?: (d: { url: string }) => { action: string } }[],
  ipc: new Map<string, (...a: unknown[]) => unknown>(),
  headers: undefined as ((d: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | undefined,
  sandboxed: false,
  appHandlers: {} as Record<string, (...a: unknown[]) => void>,
  dataDir: '',
  dialogs: [] as string[][],
  errors: [] as string[][],
  userDataSet: [] as string[],
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: { on: (e: string, h: (...a: unknown[]) => void) => void; setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => void; send: () => void };
    constructor(options: Record<string, unknown>) {
      const w: (typeof rec.windows)[number] = { options, handlers: {} };
      rec.windows.push(w);
      this.webContents = {
        on: (e, h) => { w.handlers[e] = h; },
        setWindowOpenHandler: (h) => { w.openHandler = h; },
        send: () => undefined,
      };
    }
    once(): void { /* ready-to-show */ }
    loadFile(): Promise<void> { return Promise.resolve(); }
    isDestroyed(): boolean { return false; }
    static getAllWindows(): BrowserWindow[] { return []; }
    static getFocusedWindow(): BrowserWindow | null { return null; }
  }
  return {
    app: {
      enableSandbox: () => { rec.sandboxed = true; },
      whenReady: () => Promise.resolve(),
      getPath: () => rec.dataDir,
      setPath: (_name: string, p: string) => { rec.userDataSet.push(p); },
      requestSingleInstanceLock: () => true,
      on: (e: string, h: (...a: unknown[]) => void) => { rec.appHandlers[e] = h; },
      quit: () => undefined,
      exit: () => undefined,
    },
    BrowserWindow,
    dialog: {
      showErrorBox: (title: string, message: string) => { rec.errors.push([title, message]); },
      showMessageBox: () => Promise.resolve({ response: 0 }),
      showOpenDialog: (...args: unknown[]) => {
        const options = args[args.length - 1] as { properties?: string[] };
        rec.dialogs.push(options.properties ?? []);
        return Promise.resolve({ canceled: false, filePaths: ['/picked/folder'] });
      },
    },
    shell: { openExternal: () => Promise.resolve() },
    ipcMain: { handle: (ch: string, h: (...a: unknown[]) => unknown) => { rec.ipc.set(ch, h); }, removeHandler: () => undefined },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (h: typeof rec.headers) => { rec.headers = h; } },
        setPermissionRequestHandler: () => undefined,
      },
    },
  };
});

afterAll(() => { rec.appHandlers['before-quit']?.({ preventDefault: () => undefined }); });

describe('Electron main process', () => {
  it('opens a sandboxed, context-isolated window and serves the API over IPC to our page only', async () => {
    rec.dataDir = tempDir();
    delete process.env['LATENT_DATA'];
    await import('../../../main/electron/main.js');
    await vi.waitFor(() => expect(rec.windows.length).toBe(1));

    expect(rec.sandboxed).toBe(true);
    const prefs = rec.windows[0]!.options['webPreferences'] as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(prefs['preload']).toMatch(/preload\.js$/);

    // Navigation away from the app and new windows are refused.
    let prevented = false;
    rec.windows[0]!.handlers['will-navigate']!({ preventDefault: () => { prevented = true; } }, 'https://example.org/');
    expect(prevented).toBe(true);
    expect(rec.windows[0]!.openHandler!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });

    // Every response gets the strict CSP header.
    let headers: Record<string, string[]> = {};
    rec.headers!({ responseHeaders: {} }, (r) => { headers = r.responseHeaders; });
    expect(headers['Content-Security-Policy']![0]).toContain("script-src 'self'");

    const handler = rec.ipc.get(IPC_CALL_CHANNEL)!;
    const ours = { senderFrame: { url: `file://${path.join(repoRoot, 'dist', 'renderer', 'index.html')}` } };
    const list = await handler(ours, 'experiments.list', {}) as { ok: boolean; result: { name: string }[] };
    expect(list.ok).toBe(true);
    // A first start has no experiment (the UI's empty state says what to do first).
    expect(list.result.map((e) => e.name)).toEqual([]);
    expect(fs.existsSync(path.join(rec.dataDir, 'workbench.sqlite'))).toBe(true);
    await expect(handler(ours, 'runs.start', { experimentId: 1, config: { family: 'classifier', hyper: { learningRate: 0 } } }))
      .resolves.toMatchObject({ ok: false, error: { code: 'bad-request', issues: [{ path: ['config', 'hyper', 'learningRate'], message: 'learningRate must be greater than 0' }] } });
    // The Datasets page's "Browse…" opens a native folder dialog.
    await expect(handler(ours, 'system.pickFolder', { title: 'Pick' })).resolves.toEqual({ ok: true, result: { path: '/picked/folder' } });
    expect(rec.dialogs).toEqual([['openDirectory']]);
    await expect(handler({ senderFrame: { url: 'https://evil.example/' } }, 'experiments.list', {}))
      .resolves.toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('imports a .lwbundle the system opens with the app through the real services, and says in words why a foreign one was refused', async () => {
    const foreign = path.join(tempDir(), 'photo.lwbundle');
    fs.writeFileSync(foreign, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    rec.appHandlers['open-file']!({ preventDefault: () => undefined }, foreign);
    await vi.waitFor(() => expect(rec.errors.length).toBe(1));
    expect(rec.errors[0]![0]).toBe('The bundle was not imported');
    expect(rec.errors[0]![1]).toMatch(/photo\.lwbundle cannot be imported: .*Nothing was changed\./);
    // Not a portable install: Chromium's profile stays where Electron puts it.
    expect(rec.userDataSet).toEqual([]);
  });

  it('the built preload requires nothing but electron (sandboxed preloads cannot)', () => {
    const file = path.join(repoRoot, 'dist', 'main', 'electron', 'preload.js');
    const text = fs.readFileSync(file, 'utf8');
    const required = [...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
  });
});
