/**
 * Keeps the window on the app's own pages and decides what leaves it.
 *
 * Navigation of the window or any frame, and any redirect, to a URL that is
 * not app://latent (appOrigin.ts, exact origin and path) is prevented and
 * logged: the renderer never navigates away by design (hash routing), so a
 * navigation elsewhere is a bug or an attack. New windows are always denied;
 * an https link from a note (the only outside links the app shows) is opened
 * in the system browser after the user confirms a native dialog naming the
 * exact URL (externalLinks.ts); anything else is refused and logged.
 */
import { dialog, shell, type BrowserWindow } from 'electron';
import { isAppUrl } from './appOrigin';
import { externalLinkDecision } from './externalLinks';

/** A URL for the log: quoted, and cut short so a huge data: URL cannot flood it. */
function forLog(url: string): string {
  return JSON.stringify(url.length > 300 ? `${url.slice(0, 300)}…` : url);
}

/** Asks the user before the system browser opens an https link; refuses (and logs) every other kind. */
async function offerExternal(win: BrowserWindow, url: string): Promise<void> {
  const decision = externalLinkDecision(url);
  if (decision.kind === 'deny') {
    console.warn(`Refused to open ${forLog(url)}: ${decision.reason}`);
    return;
  }
  const answer = await dialog.showMessageBox(win, {
    type: 'question',
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    title: 'Open a link',
    message: `Open a page on ${decision.host} in your browser?`,
    detail: decision.url,
  });
  if (answer.response === 0) await shell.openExternal(decision.url);
}

export function guardWindow(win: BrowserWindow): void {
  const stayHome = (what: string) => (e: { url: string; preventDefault: () => void }): void => {
    if (isAppUrl(e.url)) return;
    e.preventDefault();
    console.warn(`Blocked a ${what} to ${forLog(e.url)}: not a page of the app`);
  };
  win.webContents.on('will-navigate', stayHome('navigation'));
  win.webContents.on('will-frame-navigate', stayHome('frame navigation'));
  win.webContents.on('will-redirect', stayHome('redirect'));
  // The <webview> tag is off (webviewTag defaults to false); refuse one should a page try anyway.
  win.webContents.on('will-attach-webview', (e) => { e.preventDefault(); });
  win.webContents.setWindowOpenHandler(({ url }) => {
    offerExternal(win, url).catch((err: unknown) => { console.warn(`Could not open ${forLog(url)}: ${(err as Error).message}`); });
    return { action: 'deny' };
  });
}
