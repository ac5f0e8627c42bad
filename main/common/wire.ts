/**
 * How the API contract travels over each transport. Shared by the server,
 * the preload and the renderer's client so neither side spells a channel twice.
 */
import type { ApiErrorPayload, ApiEventName, ApiEvents } from './api';

/** HTTP: POST `${HTTP_API_PREFIX}${method}` with the request as JSON body. */
export const HTTP_API_PREFIX = '/api/';
/** WebSocket path for events; the token goes in the `token` query parameter. */
export const WS_EVENTS_PATH = '/events';
/** Header carrying the access token on HTTP requests: `Authorization: Bearer <token>`. */
export const TOKEN_QUERY_PARAM = 'token';

/** Electron IPC channels: one for calls (invoke/handle), one for events. */
export const IPC_CALL_CHANNEL = 'latent:call';
export const IPC_EVENT_CHANNEL = 'latent:event';
/** Name of the object the preload exposes on `window`. */
export const PRELOAD_GLOBAL = 'latentApi';

/** The body of every response, on both transports. */
export type WireResult<T> = { ok: true; result: T } | { ok: false; error: ApiErrorPayload };

/** One event message on the WebSocket or the IPC event channel. */
export interface WireEvent<E extends ApiEventName = ApiEventName> {
  event: E;
  payload: ApiEvents[E];
}

/** What the preload exposes; the renderer's IPC transport wraps it. */
export interface PreloadBridge {
  call(method: string, request: unknown): Promise<WireResult<unknown>>;
  onEvent(listener: (message: WireEvent) => void): () => void;
}
