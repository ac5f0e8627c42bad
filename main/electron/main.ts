/**
 * The desktop app's main process: lifecycle, one window, IPC wiring. All the
 * work is in main/services (shared with serve mode and the CLI).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { parseRequest } from '../common/api';
import { bundlePathsIn } from '../common/bundleFormat';
import { contentSecurityPolicy } from '../server/staticFiles';
import { appRoot } from '../services/appInfo';
import { createServices, type AppServices } from '../services/appServices';
import { resolveDataLocation } from '../services/dataLocation';
import { createHostLauncher } from '../services/trainingHost';
import { wireIpc } from './ipc';
import { utilityProbeRunner, utilityProcessHost } from './utilityHost';

const rendererIndex = path.join(appRoot, 'dist', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
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
  // Navigation and new windows are blocked; external links open in the browser only when the user clicks them.
  win.webContents.on('will-navigate', (e, url) => { if (!url.startsWith(rendererUrl)) e.preventDefault(); });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadFile(rendererIndex);
  return win;
}

app.enableSandbox();
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
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
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
  wireIpc(services, (e) => e.senderFrame?.url.startsWith(rendererUrl) ?? false, () => BrowserWindow.getAllWindows());
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
