/** IPC wiring: one invoke channel for calls, one push channel for events. */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../common/wire';
import type { AppServices } from '../services/appServices';
import { dispatch } from '../services/dispatch';

export function wireIpc(services: AppServices, isTrustedSender: (e: IpcMainInvokeEvent) => boolean, windows: () => BrowserWindow[]): () => void {
  ipcMain.handle(IPC_CALL_CHANNEL, async (e, method: unknown, request: unknown) => {
    if (!isTrustedSender(e)) return { ok: false, error: { code: 'unauthorized', message: 'Untrusted sender' } };
    if (typeof method !== 'string') return { ok: false, error: { code: 'bad-request', message: 'method must be a string' } };
    return dispatch(services.handlers, method, request);
  });
  const unsubscribe = services.events.subscribe((message) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(IPC_EVENT_CHANNEL, message);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
  };
}
