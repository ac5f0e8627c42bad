/**
 * The renderer's only door to the services. Picks the transport once:
 * Electron's preload bridge (IPC) when the page runs inside the app, else
 * HTTP + WebSocket to the serve-mode server on the page's own origin.
 */
import type { ApiClient, ApiEventName, ApiEvents, ApiMethod, ApiRequest, ApiResponse } from '../../main/common/api';
import { HTTP_API_PREFIX, PRELOAD_GLOBAL, TOKEN_QUERY_PARAM, WS_EVENTS_PATH, type PreloadBridge, type WireResult } from '../../main/common/wire';
import { TOKEN_STORAGE_KEY, takeAccessToken } from './accessToken';
import { ApiCallError } from './apiCallError';
import { EventHub, Signal } from './eventHub';
import { isWireEvent, isWireResult } from './wireGuards';

/**
 * connecting:   first connection attempt in progress
 * connected:    events flow
 * reconnecting: the event stream dropped; retrying with backoff (calls may still work)
 * unauthorized: no access token, or the server refused it (serve mode only)
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';
export type TransportKind = 'ipc' | 'http';

export interface WorkbenchClient extends ApiClient {
  readonly transport: TransportKind;
  connectionState(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  /** After the event stream came back: events may have been missed, refetch what is shown. */
  onReconnected(listener: () => void): () => void;
  dispose(): void;
}

function unwrap<M extends ApiMethod>(method: M, body: WireResult<unknown>): ApiResponse<M> {
  if (body.ok) return body.result as ApiResponse<M>;
  throw ApiCallError.fromPayload(method, body.error);
}

function getBridge(win: Window): PreloadBridge | null {
  const candidate = (win as unknown as Record<string, unknown>)[PRELOAD_GLOBAL];
  if (typeof candidate === 'object' && candidate !== null
    && typeof (candidate as PreloadBridge).call === 'function'
    && typeof (candidate as PreloadBridge).onEvent === 'function') {
    return candidate as PreloadBridge;
  }
  return null;
}

class IpcClient implements WorkbenchClient {
  readonly transport = 'ipc' as const;
  private readonly hub = new EventHub();
  private readonly stopEvents: () => void;

  constructor(private readonly bridge: PreloadBridge) {
    this.stopEvents = bridge.onEvent((message) => {
      if (isWireEvent(message)) this.hub.dispatch(message);
    });
  }

  async call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
    let body: unknown;
    try {
      body = await this.bridge.call(method, req ?? {});
    } catch (err) {
      throw new ApiCallError(method, 'internal', err instanceof Error ? err.message : String(err));
    }
    if (!isWireResult(body)) throw new ApiCallError(method, 'internal', `Malformed answer to ${method}`);
    return unwrap(method, body);
  }

  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    return this.hub.on(event, listener);
  }

  connectionState(): ConnectionState { return 'connected'; }
  onConnectionChange(): () => void { return () => {}; }
  onReconnected(): () => void { return () => {}; }

  dispose(): void {
    this.stopEvents();
    this.hub.clear();
  }
}

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;

class HttpClient implements WorkbenchClient {
  readonly transport = 'http' as const;
  private readonly hub = new EventHub();
  private readonly stateSignal = new Signal<ConnectionState>();
  private readonly reconnectedSignal = new Signal<void>();
  private state: ConnectionState = 'connecting';
  private socket: WebSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private everOpened = false;
  private disposed = false;

  constructor(private readonly win: Window, private readonly token: string | null) {
    if (!token) this.setState('unauthorized');
    else this.connect();
  }

  async call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
    if (!this.token || this.state === 'unauthorized') {
      throw new ApiCallError(method, 'unauthorized', 'Missing or invalid access token');
    }
    let res: Response;
    try {
      res = await fetch(`${HTTP_API_PREFIX}${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
        body: JSON.stringify(req ?? {}),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (err) {
      throw new ApiCallError(method, 'network', `Cannot reach the workbench server (${err instanceof Error ? err.message : String(err)})`);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    if (res.status === 401 || (isWireResult(body) && !body.ok && body.error.code === 'unauthorized')) {
      this.markUnauthorized();
      throw isWireResult(body) && !body.ok
        ? ApiCallError.fromPayload(method, body.error)
        : new ApiCallError(method, 'unauthorized', 'The server refused the access token');
    }
    if (!isWireResult(body)) {
      throw new ApiCallError(method, 'network', `Unexpected answer to ${method} (HTTP ${res.status})`);
    }
    return unwrap(method, body);
  }

  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    return this.hub.on(event, listener);
  }

  connectionState(): ConnectionState { return this.state; }
  onConnectionChange(listener: (state: ConnectionState) => void): () => void { return this.stateSignal.on(listener); }
  onReconnected(listener: () => void): () => void { return this.reconnectedSignal.on(listener); }

  dispose(): void {
    this.disposed = true;
    this.clearRetry();
    this.closeSocket();
    this.hub.clear();
    this.stateSignal.clear();
    this.reconnectedSignal.clear();
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.stateSignal.emit(state);
  }

  private markUnauthorized(): void {
    if (this.state === 'unauthorized') return;
    this.clearRetry();
    this.closeSocket();
    try {
      this.win.sessionStorage.removeItem(TOKEN_STORAGE_KEY);
    } catch {
      // nothing stored
    }
    this.setState('unauthorized');
  }

  private connect(): void {
    if (this.disposed || this.state === 'unauthorized' || !this.token) return;
    const loc = this.win.location;
    const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = `${scheme}//${loc.host}${WS_EVENTS_PATH}?${TOKEN_QUERY_PARAM}=${encodeURIComponent(this.token)}`;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      const wasReconnect = this.everOpened || this.failures > 0;
      this.everOpened = true;
      this.failures = 0;
      this.setState('connected');
      if (wasReconnect) this.reconnectedSignal.emit();
    };
    socket.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      let message: unknown;
      try {
        message = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (isWireEvent(message)) this.hub.dispatch(message);
    };
    socket.onclose = (ev: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.disposed || this.state === 'unauthorized') return;
      // 1008 (policy) / 4401: the server says the token is wrong.
      if (ev.code === 1008 || ev.code === 4401 || ev.code === 4001) {
        void this.probeAuth();
      }
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.disposed || this.state === 'unauthorized') return;
    this.failures += 1;
    this.setState(this.everOpened || this.failures > 1 ? 'reconnecting' : 'connecting');
    // A refused upgrade looks like any other failure from the browser: ask over HTTP now and then.
    if (this.failures === 2 || this.failures % 5 === 0) void this.probeAuth();
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(this.failures - 1, 6));
    const delay = base / 2 + Math.random() * (base / 2);
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  /** Tells a dead server from a refused token: only the latter shows the token page. */
  private async probeAuth(): Promise<void> {
    try {
      await this.call('system.info', {});
    } catch {
      // call() already switched to 'unauthorized' when that was the cause
    }
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
  }
}

function sessionStorageOf(win: Window): Storage | null {
  try {
    return win.sessionStorage;
  } catch {
    // storage disabled (opaque origin, privacy settings)
    return null;
  }
}

/** Build the client for this page: IPC inside Electron, HTTP + WebSocket in a browser. */
export function createApiClient(win: Window = window): WorkbenchClient {
  const bridge = getBridge(win);
  if (bridge) return new IpcClient(bridge);
  const token = takeAccessToken({ location: win.location, history: win.history, storage: sessionStorageOf(win) });
  return new HttpClient(win, token);
}
