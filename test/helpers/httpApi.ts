/**
 * The serve HTTP API as an integration test calls it: a JSON POST with the
 * bearer token, the raw wire result, the result of a call that must succeed,
 * and the error of a call that must be refused.
 */
import type { ApiErrorPayload } from '../../main/common/api';
import type { WireResult } from '../../main/common/wire';

export interface HttpApi {
  call(method: string, body: unknown): Promise<{ status: number; body: WireResult<unknown> }>;
  ok<T>(method: string, body: unknown): Promise<T>;
  refused(method: string, body: unknown): Promise<{ status: number; error: ApiErrorPayload }>;
}

/** Calls to the server on 127.0.0.1:`port()` (read at each call: the server starts in a beforeAll). */
export function httpApi(port: () => number, token: string): HttpApi {
  const call: HttpApi['call'] = async (method, body) => {
    const r = await fetch(`http://127.0.0.1:${port()}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as WireResult<unknown> };
  };
  return {
    call,
    async ok<T>(method: string, body: unknown): Promise<T> {
      const r = await call(method, body);
      if (!r.body.ok) throw new Error(`${method}: ${JSON.stringify(r.body.error)}`);
      return r.body.result as T;
    },
    async refused(method, body) {
      const r = await call(method, body);
      if (r.body.ok) throw new Error(`${method} should have been refused`);
      return { status: r.status, error: r.body.error };
    },
  };
}
