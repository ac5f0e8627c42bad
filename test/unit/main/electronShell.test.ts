/**
 * The Electron shell, with Electron's own modules replaced by recorders
 * (Electron cannot be downloaded on these machines): the window's security
 * settings, the app:// protocol it loads from, blocked navigation to
 * look-alike URLs, new windows and external links, the CSP header, and IPC
 * calls reaching the real services only from our own page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { IPC_CALL_CHANNEL } from '../../../main/common/wire';
import { repoRoot, tempDir } from '../../helpers/tempDir';

const rec = vi.hoisted(() => ({
  windows: [] as { options: Record<string, unknown>; handlers: Record<string, (...a: unknown[]) => void>; openHandler?: (d: { url: string }) => { action: string }; loaded: string[] }[],
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (r: Request) => Promise<Response>>(),
  permissionRequest: undefined as ((wc: unknown, permission: string, cb: (granted: boolean) => void, details: { requestingUrl: string }) => void) | undefined,
  permissionCheck: undefined as ((...a: unknown[]) => boolean) | undefined,
  messageBoxes: [] as { message?: string; detail?: string }[],
  messageBoxAnswer: 0,
  opened: [] as string[],
  warnings: [] as string[],
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
      const w: (typeof rec.windows)[number] = { options, handlers: {}, loaded: [] };
      rec.windows.push(w);
      this.webContents = {
        on: (e, h) => { w.handlers[e] = h; },
        setWindowOpenHandler: (h) => { w.openHandler = h; },
        send: () => undefined,
      };
    }
    once(): void { /* ready-to-show */ }
    loadURL(url: string): Promise<void> { rec.windows[rec.windows.length - 1]!.loaded.push(url); return Promise.resolve(); }
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
      showMessageBox: (...args: unknown[]) => {
        rec.messageBoxes.push(args[args.length - 1] as { message?: string; detail?: string });
        return Promise.resolve({ response: rec.messageBoxAnswer });
      },
      showOpenDialog: (...args: unknown[]) => {
        const options = args[args.length - 1] as { properties?: string[] };
        rec.dialogs.push(options.properties ?? []);
        return Promise.resolve({ canceled: false, filePaths: ['/picked/folder'] });
      },
    },
    shell: { openExternal: (url: string) => { rec.opened.push(url); return Promise.resolve(); } },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => { rec.schemes.push(...schemes); },
      handle: (scheme: string, h: (r: Request) => Promise<Response>) => { rec.protocolHandlers.set(scheme, h); },
    },
    ipcMain: { handle: (ch: string, h: (...a: unknown[]) => unknown) => { rec.ipc.set(ch, h); }, removeHandler: () => undefined },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (h: typeof rec.headers) => { rec.headers = h; } },
        setPermissionRequestHandler: (h: typeof rec.permissionRequest) => { rec.permissionRequest = h; },
        setPermissionCheckHandler: (h: typeof rec.permissionCheck) => { rec.permissionCheck = h; },
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

    // The renderer is served from app://latent, a standard secure scheme registered before ready, and loaded from there.
    expect(rec.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
    expect(rec.windows[0]!.loaded).toEqual(['app://latent/index.html']);
    const served = await rec.protocolHandlers.get('app')!(new Request('app://latent/index.html'));
    expect(served.status).toBe(200);
    expect(served.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await rec.protocolHandlers.get('app')!(new Request('app://latent/../../etc/passwd'))).status).toBe(404);

    // Every response gets the strict CSP header.
    let headers: Record<string, string[]> = {};
    rec.headers!({ responseHeaders: {} }, (r) => { headers = r.responseHeaders; });
    expect(headers['Content-Security-Policy']![0]).toContain("script-src 'self'");

    // No permission is granted, to our page or any other.
    let granted: boolean | undefined;
    rec.permissionRequest!({}, 'notifications', (g) => { granted = g; }, { requestingUrl: 'app://latent/index.html' });
    expect(granted).toBe(false);
    expect(rec.permissionCheck!({}, 'clipboard-read', 'app://latent', {})).toBe(false);

    const handler = rec.ipc.get(IPC_CALL_CHANNEL)!;
    const ours = { senderFrame: { url: 'app://latent/index.html#/experiments' } };
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
    // Frames that only look like ours, or have no URL, get no answer from the services.
    for (const url of ['https://evil.example/', 'app://latent.evil/index.html', 'app://latent@evil/index.html', `file://${path.join(repoRoot, 'dist', 'renderer', 'index.html')}.evil`]) {
      await expect(handler({ senderFrame: { url } }, 'experiments.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    await expect(handler({ senderFrame: null }, 'experiments.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('keeps the window and its frames on app://latent: look-alike navigations and redirects are prevented and logged', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation((m: string) => { rec.warnings.push(m); });
    const handlers = rec.windows[0]!.handlers;
    const attempt = (event: string, url: string): boolean => {
      let prevented = false;
      handlers[event]!({ url, preventDefault: () => { prevented = true; } });
      return prevented;
    };
    const lookAlikes = ['https://example.org/', 'app://latent.evil/index.html', 'app://latent@evil/', `file://${path.join(repoRoot, 'dist', 'renderer', 'index.html')}.evil`, 'app://latent/..%2f..%2fetc/passwd'];
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      for (const url of lookAlikes) expect(attempt(event, url), `${event} ${url}`).toBe(true);
      expect(attempt(event, 'app://latent/index.html#/runs/2'), event).toBe(false);
    }
    expect(rec.warnings).toHaveLength(15);
    expect(rec.warnings[0]).toBe('Blocked a navigation to "https://example.org/": not a page of the app');
    let webviewPrevented = false;
    handlers['will-attach-webview']!({ preventDefault: () => { webviewPrevented = true; } });
    expect(webviewPrevented).toBe(true);
    warn.mockRestore();
  });

  it('denies every new window: an https note link opens in the browser only after the user confirms; other links never', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation((m: string) => { rec.warnings.push(m); });
    rec.warnings.length = 0;
    const open = rec.windows[0]!.openHandler!;
    for (const url of ['http://example.org/', 'file:///etc/passwd', 'ms-msdt:/id PCWDiagnostic', 'https://docs.example@evil.example/']) {
      expect(open({ url })).toEqual({ action: 'deny' });
    }
    await vi.waitFor(() => expect(rec.warnings).toHaveLength(4));
    expect(rec.warnings[0]).toBe('Refused to open "http://example.org/": http: links are not opened (https only)');
    expect(rec.messageBoxes).toEqual([]);

    // The user cancels: nothing opens.
    rec.messageBoxAnswer = 1;
    expect(open({ url: 'https://example.org/paper' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(rec.messageBoxes).toHaveLength(1));
    expect(rec.messageBoxes[0]).toMatchObject({ message: 'Open a page on example.org in your browser?', detail: 'https://example.org/paper' });
    // The user confirms: exactly the URL shown opens, in the system browser.
    rec.messageBoxAnswer = 0;
    expect(open({ url: 'https://www.tensorflow.org/js/guide' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(rec.opened).toEqual(['https://www.tensorflow.org/js/guide']));
    expect(rec.messageBoxes).toHaveLength(2);
    warn.mockRestore();
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
