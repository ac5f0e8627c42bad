/**
 * The preload: exposes one typed API object to the sandboxed, context-isolated
 * renderer. It runs sandboxed, so it may require nothing but electron: the
 * channel names are written here and type-checked against main/common/wire.ts.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, PRELOAD_GLOBAL, PreloadBridge, WireEvent, WireResult } from '../common/wire';

const callChannel: typeof IPC_CALL_CHANNEL = 'latent:call';
const eventChannel: typeof IPC_EVENT_CHANNEL = 'latent:event';
const globalName: typeof PRELOAD_GLOBAL = 'latentApi';

const bridge: PreloadBridge = {
  call: (method: string, request: unknown) => ipcRenderer.invoke(callChannel, method, request) as Promise<WireResult<unknown>>,
  onEvent: (listener: (message: WireEvent) => void) => {
    const wrapped = (_e: IpcRendererEvent, message: WireEvent): void => listener(message);
    ipcRenderer.on(eventChannel, wrapped);
    return () => { ipcRenderer.removeListener(eventChannel, wrapped); };
  },
};

contextBridge.exposeInMainWorld(globalName, bridge);
