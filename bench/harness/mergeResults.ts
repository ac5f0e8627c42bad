/**
 * Several benches add their keys to one results file (throughput.json):
 * merge them into its `results`, keeping every other bench's keys, and note
 * this bench's description, date and machine under its own `section`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { machineInfo } from './runtime';

export function mergeResults(file: string, section: string, results: Record<string, number | string>, description: string): void {
  const existing = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { results?: Record<string, unknown> } : {};
  const merged = { ...existing, results: { ...(existing.results ?? {}), ...results }, [section]: { description, date: new Date().toISOString(), machine: machineInfo() } };
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
}

/** Minimum and median of a sample, rounded to `digits` decimals. */
export function minMedian(samples: readonly number[], digits = 3): { min: number; median: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: Number(s[0]!.toFixed(digits)), median: Number(median.toFixed(digits)), n: s.length };
}
