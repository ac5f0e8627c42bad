/**
 * What the load driver measures while it runs: every API call's latency and
 * HTTP status, and the server process's resident memory once a second (from
 * /proc/<pid>/status, so Linux only; elsewhere no sample is taken).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { WireResult } from '../../main/common/wire';

export interface TimedCall<T> { status: number; ms: number; body: WireResult<T> }

/** One API call with its status and latency (from the request's start to its body read). */
export async function timedCall<T>(origin: string, token: string, method: string, body: unknown): Promise<TimedCall<T>> {
  const t0 = performance.now();
  const r = await fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  const ms = performance.now() - t0;
  let parsed: WireResult<T>;
  try {
    parsed = JSON.parse(text) as WireResult<T>;
  } catch {
    parsed = { ok: false, error: { code: 'internal', message: `not JSON (HTTP ${r.status}): ${text.slice(0, 200)}` } };
  }
  return { status: r.status, ms, body: parsed };
}

/** Counts of every call's HTTP status, and the first few 5xx answers verbatim. */
export class StatusLog {
  readonly counts = new Map<number, number>();
  readonly serverErrors: string[] = [];

  note(method: string, call: TimedCall<unknown>): void {
    this.counts.set(call.status, (this.counts.get(call.status) ?? 0) + 1);
    if (call.status >= 500 && this.serverErrors.length < 20) this.serverErrors.push(`${method} → ${call.status} ${JSON.stringify(call.body)}`);
  }

  fiveHundreds(): number {
    let n = 0;
    for (const [status, count] of this.counts) if (status >= 500) n += count;
    return n;
  }

  total(): number {
    let n = 0;
    for (const count of this.counts.values()) n += count;
    return n;
  }
}

/** VmRSS of `pid` in MB, or undefined when /proc cannot tell (not Linux, process gone). */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples `pid`'s RSS every `everyMs` until stopped. */
export function sampleRss(pid: number, everyMs = 1000): { samples: number[]; stop(): void } {
  const samples: number[] = [];
  const take = (): void => { const mb = rssMb(pid); if (mb !== undefined) samples.push(mb); };
  take();
  const timer = setInterval(take, everyMs);
  return { samples, stop: () => clearInterval(timer) };
}

/** The q-quantile (0–1) by the nearest-rank method; NaN for no samples. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
