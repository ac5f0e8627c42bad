/**
 * `serve` as a child process, exactly as `npm run serve` starts it (from
 * dist/), on a free port of 127.0.0.1, with its printed URL (and token) and
 * its HTTP API. Shared by the e2e tests and the browser benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { appRoot } from '../../main/services/appInfo';

export interface ServeProcess {
  url: string;
  origin: string;
  /** The access token serve printed in its URL. */
  token: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** The built serve entry, for a caller that starts it under another command (the e2e test of a full disk runs it inside `unshare`). */
export const serveEntry = path.join(appRoot, 'dist', 'main', 'server', 'serveMain.js');

export async function startServe(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  return attachServe(spawn(process.execPath, [serveEntry, '--port', '0', '--data', dataDir], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
}

/**
 * A serve already spawned (stdout and stderr piped), once it has printed its
 * URL. stop() sends SIGTERM to `child`, so a wrapper must exec serve (not fork
 * it) for the signal to reach it.
 */
export async function attachServe(child: ChildProcess): Promise<ServeProcess> {
  let out = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL:\n${out}`)), 30_000);
    const check = (): void => {
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${String(code)}:\n${out}`)); });
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token') ?? '',
    child,
    output: () => out,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** One call of serve's HTTP API with its token; throws the API's message on an error answer. */
export async function serveApi<T>(s: Pick<ServeProcess, 'origin' | 'token'>, method: string, body: unknown): Promise<T> {
  const r = await fetch(`${s.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${s.token}` },
    body: JSON.stringify(body),
  });
  const answer = (await r.json()) as { ok: true; result: T } | { ok: false; error: { message: string } };
  if (!answer.ok) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}
