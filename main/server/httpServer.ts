/**
 * Serve mode: the same API over HTTP (calls) and WebSocket (events) on
 * 127.0.0.1, plus the built renderer. Every API call and event stream needs
 * the access token.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { HTTP_API_PREFIX, TOKEN_QUERY_PARAM, WS_EVENTS_PATH } from '../common/wire';
import type { AppServices } from '../services/appServices';
import { dispatch } from '../services/dispatch';
import { bearer, hostAllowed, tokenMatches } from './auth';
import { ClientSender, type ClientSendStats } from './clientSender';
import { MAX_BODY, readBody } from './requestBody';
import { serveStatic } from './staticFiles';


export interface ServeOptions {
  services: AppServices;
  token: string;
  rendererDir: string;
  port?: number;
  /** Bytes queued for one WebSocket client before it gets latest values only (default WS_BUFFER_LIMIT, 4 MB). */
  wsBufferLimit?: number;
}

export interface RunningServer {
  port: number;
  url: string;
  /** Each connected event client's backpressure state. */
  clientStats(): ClientSendStats[];
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

/**
 * 413 for a body past MAX_BODY: the head and message are written at once (a
 * client that reads while sending stops early), the response ends once the
 * rest of the body has been drained, and the connection is closed after it.
 */
function sendTooLarge(res: http.ServerResponse, drained: Promise<void>): void {
  const text = JSON.stringify({ ok: false, error: { code: 'bad-request', message: `Request body is larger than the ${MAX_BODY / (1024 * 1024)} MB limit` } });
  res.writeHead(413, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
  res.write(text);
  void drained.then(() => res.end());
}

/** The method name from the URL path, or null when its percent-encoding is malformed. */
function methodOf(url: string): string | null {
  try {
    return decodeURIComponent(url.slice(HTTP_API_PREFIX.length).split('?')[0] ?? '');
  } catch {
    return null;
  }
}

const statusOf: Record<string, number> = { 'bad-request': 400, 'not-found': 404, conflict: 409, unauthorized: 401, internal: 500 };

export function startServer(o: ServeOptions): Promise<RunningServer> {
  let port = 0;
  const server = http.createServer((req, res) => {
    void (async () => {
      if (!hostAllowed(req.headers.host, port)) {
        res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request');
        return;
      }
      const url = req.url ?? '/';
      if (url.startsWith(HTTP_API_PREFIX)) {
        if (req.method !== 'POST') {
          sendJson(res, 405, { ok: false, error: { code: 'bad-request', message: 'Use POST for API calls' } });
          return;
        }
        if (!tokenMatches(o.token, bearer(req.headers.authorization))) {
          sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message: 'Missing or wrong access token: open the URL printed by `npm run serve`' } });
          return;
        }
        const method = methodOf(url);
        if (method === null) {
          sendJson(res, 400, { ok: false, error: { code: 'bad-request', message: 'The API method in the URL has malformed percent-encoding (a "%" must be followed by two hex digits)' } });
          return;
        }
        const body = await readBody(req);
        if (body.kind === 'too-large') {
          sendTooLarge(res, body.drained);
          return;
        }
        let raw: unknown;
        try {
          raw = body.text.trim() === '' ? {} : JSON.parse(body.text);
        } catch (e) {
          sendJson(res, 400, { ok: false, error: { code: 'bad-request', message: `Request body is not valid JSON: ${(e as Error).message}` } });
          return;
        }
        const result = await dispatch(o.services.handlers, method, raw);
        sendJson(res, result.ok ? 200 : (statusOf[result.error.code] ?? 500), result);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      serveStatic(o.rendererDir, url, res);
    })().catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: (e as Error).message } });
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Map<WebSocket, ClientSender>();
  const unsubscribe = o.services.events.subscribe((message) => {
    const text = JSON.stringify(message);
    for (const sender of sockets.values()) sender.send(message, text);
  });
  server.on('upgrade', (req, socket, head) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if (u.pathname !== WS_EVENTS_PATH || !hostAllowed(req.headers.host, port) || !originOk || !tokenMatches(o.token, u.searchParams.get(TOKEN_QUERY_PARAM))) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.set(ws, new ClientSender(ws, o.wsBufferLimit));
      const drop = (): void => { sockets.get(ws)?.close(); sockets.delete(ws); };
      ws.on('close', drop);
      ws.on('error', drop);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        port,
        url: `http://127.0.0.1:${port}/?${TOKEN_QUERY_PARAM}=${encodeURIComponent(o.token)}`,
        clientStats: () => [...sockets.values()].map((c) => c.stats()),
        close: () => new Promise<void>((done) => {
          unsubscribe();
          for (const [s, sender] of sockets) { sender.close(); s.terminate(); }
          wss.close();
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
