/**
 * One WebSocket client of the load driver (bench/harness/loadDriver.ts): it
 * connects to serve's event socket as the renderer does (`/events?token=`,
 * renderer/api/apiClient.ts) and records every metric point it is sent, in
 * arrival order, per (run, key), with the bytes it read (which decides whether
 * the server's backpressure can have coalesced anything for it, see
 * loadAudit.ts).
 */
import WebSocket from 'ws';
import type { ApiEvents } from '../../main/common/api';
import { TOKEN_QUERY_PARAM, WS_EVENTS_PATH, type WireEvent } from '../../main/common/wire';

/** A point as a client received it. */
export interface ReceivedPoint { step: number; value: number | null }

export interface LoadClient {
  /** `${runId}|${key}` → the points in the order they arrived. */
  readonly points: Map<string, ReceivedPoint[]>;
  /** Bytes of every message received. */
  bytes(): number;
  /** Events received, of any kind. */
  events(): number;
  /** Points received in all. */
  pointCount(): number;
  /** Set when the socket closed or failed before `close()`. */
  failure(): string | undefined;
  close(): Promise<void>;
}

export const seriesKey = (runId: number, key: string): string => `${runId}|${key}`;

/** Opens one client and resolves once it is connected. */
export async function openLoadClient(origin: string, token: string): Promise<LoadClient> {
  const url = `${origin.replace(/^http/, 'ws')}${WS_EVENTS_PATH}?${TOKEN_QUERY_PARAM}=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url);
  const points = new Map<string, ReceivedPoint[]>();
  let bytes = 0;
  let events = 0;
  let count = 0;
  let closing = false;
  let failure: string | undefined;
  ws.on('message', (data: Buffer) => {
    bytes += data.length;
    events++;
    const message = JSON.parse(data.toString('utf8')) as WireEvent;
    if (message.event !== 'runs.onDidLogMetrics') return;
    const payload = message.payload as ApiEvents['runs.onDidLogMetrics'];
    for (const p of payload.points) {
      const k = seriesKey(payload.runId, p.key);
      let list = points.get(k);
      if (!list) { list = []; points.set(k, list); }
      list.push({ step: p.step, value: p.value });
      count++;
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', (e) => { failure ??= `socket error: ${e.message}`; });
  ws.on('close', (code) => { if (!closing) failure ??= `socket closed by the server (code ${code})`; });
  return {
    points,
    bytes: () => bytes,
    events: () => events,
    pointCount: () => count,
    failure: () => failure,
    close: () => new Promise<void>((resolve) => {
      closing = true;
      if (ws.readyState === ws.CLOSED) { resolve(); return; }
      ws.once('close', () => resolve());
      ws.close();
    }),
  };
}
