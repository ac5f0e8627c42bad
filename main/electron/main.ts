/**
 * The desktop app's main process: lifecycle, one window, IPC wiring. All the
 * work is in main/services (shared with serve mode and the CLI).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { app, BrowserWindow, dialog, protocol, session } from 'electron';
import { parseRequest } from '../common/api';
import { bundlePathsIn } from '../common/bundleFormat';
import { contentSecurityPolicy } from '../server/staticFiles';
import { appRoot } from '../services/appInfo';
import { createServices, type AppServices } from '../services/appServices';
import { resolveDataLocation } from '../services/dataLocation';
import { createHostLauncher } from '../services/trainingHost';
import { APP_INDEX_URL, APP_SCHEME, isAppUrl } from './appOrigin';
import { createAppProtocolHandler } from './appProtocol';
import { wireIpc } from './ipc';
import { utilityProbeRunner, utilityProcessHost } from './utilityHost';
import { guardWindow } from './windowGuards';

const rendererDir = path.join(appRoot, 'dist', 'renderer');
let services: AppServices | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'Latent Workbench',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // Navigation off app://latent is prevented; new windows are denied, a note's https link opens in the browser after the user confirms.
  guardWindow(win);
  void win.loadURL(APP_INDEX_URL);
  return win;
}

app.enableSandbox();
// app://latent serves the renderer (appProtocol.ts). Registered before ready, as Electron requires: standard (an
// origin, relative URLs), secure (a secure context, like https), fetch and CORS mode (Vite's module scripts carry
// `crossorigin`, so they are fetched in CORS mode, same-origin here). No bypassCSP: the CSP applies in full.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
// LATENT_DATA, else a portable marker beside the app, else userData (main/services/dataLocation.ts).
const dataLocation = resolveDataLocation({ execPath: process.execPath, env: process.env, userData: app.getPath('userData'), platform: process.platform, exists: fs.existsSync });
console.log(dataLocation.detail);
// Portable: Chromium's own profile (cache, local storage) stays beside the app too, not in the user's profile.
if (dataLocation.reason === 'portable') app.setPath('userData', path.join(dataLocation.dir, 'chromium-profile'));

/** Bundles the system asked us to open before the services were up (argv, macOS open-file). */
const pendingBundles: string[] = bundlePathsIn(process.argv);

/** Imports an opened .lwbundle and says what came in (or why nothing did), then shows it in the window. */
async function openBundle(file: string): Promise<void> {
  if (!services) { pendingBundles.push(file); return; }
  const win = BrowserWindow.getAllWindows()[0];
  try {
    const r = await services.handlers['bundles.import'](parseRequest('bundles.import', { path: file }));
    const message = `${r.runsAdded.length} runs added, ${r.runsSkipped.length} already here${r.datasetsMissing.length > 0 ? `; missing datasets: ${r.datasetsMissing.map((d) => d.id).join(', ')}` : ''}`;
    const options = { type: 'info' as const, title: 'Bundle imported', message: `Imported ${path.basename(file)}`, detail: message };
    await (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
    win?.webContents.reload();
  } catch (e) {
    dialog.showErrorBox('The bundle was not imported', (e as Error).message);
  }
}

// One window per data folder: a second start (e.g. double-clicking a bundle) hands its files to this one.
if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', (_e, argv) => {
  const win = BrowserWindow.getAllWindows()[0];
  if (win) { if (win.isMinimized()) win.restore(); win.focus(); }
  for (const file of bundlePathsIn(argv)) void openBundle(file);
});
app.on('open-file', (e, file) => { e.preventDefault(); void openBundle(file); });

app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));
  // The renderer needs no permission (no camera, notifications, clipboard API…): every request and check is refused.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, cb, details) => {
    console.warn(`Refused the ${permission} permission to ${isAppUrl(details.requestingUrl) ? 'the app' : JSON.stringify(details.requestingUrl)}`);
    cb(false);
  });
  session.defaultSession.setPermissionCheckHandler(() => false);
  const dataDir = dataLocation.dir;
  services = createServices({
    dataDir,
    // Native runs in Electron utility processes: with the runAsNode fuse off a child_process.fork of this binary would start the app again.
    launchHost: createHostLauncher({ processHost: utilityProcessHost }),
    probeRunner: utilityProbeRunner,
    // The Datasets page's "Browse…": a native folder dialog over the focused window.
    pickFolder: async (title) => {
      const options: Electron.OpenDialogOptions = { title: title ?? 'Choose a folder', properties: ['openDirectory'] };
      const win = BrowserWindow.getFocusedWindow();
      const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    },
  });
  // Calls are served only to a frame showing our own page: exact origin and path (appOrigin.ts), not a prefix.
  wireIpc(services, (e) => isAppUrl(e.senderFrame?.url ?? ''), () => BrowserWindow.getAllWindows());
  createWindow();
  for (const file of pendingBundles.splice(0)) void openBundle(file);
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) createWindow(); });
}).catch((e: unknown) => {
  dialog.showErrorBox('Latent Workbench could not start', (e as Error).message);
  app.exit(1);
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (e) => {
  if (quitting || !services) return;
  e.preventDefault();
  quitting = true;
  void services.close().finally(() => app.quit());
});
