/**
 * The one place a transport's raw call becomes a handler call: method name
 * checked, request validated against its schema, errors turned into the wire
 * shape. Both the IPC wiring and the HTTP server use it.
 */
import { ApiError, isApiMethod, parseRequest, type ApiHandlers, type ApiMethod } from '../common/api';
import type { WireResult } from '../common/wire';

export async function dispatch(handlers: ApiHandlers, method: string, raw: unknown): Promise<WireResult<unknown>> {
  try {
    if (!isApiMethod(method)) throw new ApiError('not-found', `Unknown API method "${method}"`);
    const req = parseRequest(method, raw);
    const handler = handlers[method] as (r: unknown) => unknown;
    const result = await handler(req);
    return { ok: true, result };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e.toPayload() };
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code: 'internal', message } };
  }
}

export type { ApiMethod };
