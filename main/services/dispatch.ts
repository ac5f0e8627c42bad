/**
 * The one place a transport's raw call becomes a handler call: method name
 * checked, request validated against its schema, errors turned into the wire
 * shape. Both the IPC wiring and the HTTP server use it.
 */
import { ApiError, isApiMethod, parseRequest, type ApiHandlers, type ApiMethod } from '../common/api';
import type { WireResult } from '../common/wire';
import { isDiskFull } from './diskFull';

export async function dispatch(handlers: ApiHandlers, method: string, raw: unknown): Promise<WireResult<unknown>> {
  try {
    if (!isApiMethod(method)) throw new ApiError('not-found', `Unknown API method "${method}"`);
    const req = parseRequest(method, raw);
    const handler = handlers[method] as (r: unknown) => unknown;
    const result = await handler(req);
    return { ok: true, result };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e.toPayload() };
    // A write the disk had no room for (a run started, a dataset imported…) is the user's to fix, not a server fault.
    if (isDiskFull(e)) return { ok: false, error: { code: 'conflict', message: `The disk holding the data folder is full (${e instanceof Error ? e.message : String(e)}): nothing was saved. Free space on it and try again.` } };
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code: 'internal', message } };
  }
}

/**
 * The methods that only read: allowed when the data folder is read-only
 * (its disk is full, readOnlyStart.ts). bundles.export reads the database and
 * writes where the user says, so runs can be rescued to another disk.
 */
export const READ_ONLY_METHODS: ReadonlySet<ApiMethod> = new Set<ApiMethod>([
  'experiments.list', 'experiments.get', 'experiments.deletionPlan', 'presets.list',
  'runs.list', 'runs.get', 'runs.summaries', 'runs.compareSeries', 'runs.metrics', 'runs.logs',
  'views.list', 'artifacts.list', 'artifacts.read', 'datasets.list', 'datasets.images',
  'corpora.list', 'referenceClassifiers.list', 'architectures.list', 'architectures.get', 'architectures.versions',
  'settings.get', 'system.info', 'system.backends', 'system.pickFolder', 'bundles.export',
]);

/**
 * The handlers, with every method that would write refused while `reason`
 * says the data folder is read-only: a 409 whose message is the reason (what
 * is full, and to free space and restart), never a 500 from SQLITE_READONLY.
 */
export function guardReadOnly(handlers: ApiHandlers, reason: string | null): ApiHandlers {
  if (reason === null) return handlers;
  return new Proxy(handlers, {
    get(target, prop, receiver): unknown {
      if (typeof prop === 'string' && isApiMethod(prop) && !READ_ONLY_METHODS.has(prop)) {
        return () => { throw new ApiError('conflict', `${prop} was refused: ${reason}`); };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

export type { ApiMethod };
