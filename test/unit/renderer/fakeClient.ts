/** A renderer API client whose answers a test scripts, and whose events it can push (the stores' tests). */
import type { ApiEventName, ApiEvents, ApiMethod, ApiRequest, ApiResponse } from '../../../main/common/api';
import type { WorkbenchClient } from '../../../renderer/api';

export type FakeHandlers = Partial<{ [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiResponse<M>> }>;

/** A client whose answers the test scripts, and whose events it can push. */
export function fakeClient(handlers: FakeHandlers) {
  const listeners = new Map<string, ((p: unknown) => void)[]>();
  const calls: [string, unknown][] = [];
  const client: WorkbenchClient = {
    transport: 'ipc',
    async call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
      calls.push([method, req]);
      const h = handlers[method] as ((r: ApiRequest<M>) => Promise<ApiResponse<M>>) | undefined;
      if (!h) throw new Error(`unexpected call ${method}`);
      return h(req);
    },
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
      const list = listeners.get(event) ?? [];
      list.push(listener as (p: unknown) => void);
      listeners.set(event, list);
      return () => {};
    },
    connectionState: () => 'connected',
    onConnectionChange: () => () => {},
    onReconnected: () => () => {},
    dispose: () => {},
  };
  const emit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => { for (const l of listeners.get(event) ?? []) l(payload); };
  return { client, calls, emit };
}

