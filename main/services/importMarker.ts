/**
 * What the app may delete in <data>/datasets: only folders it created and
 * marked as its own. Every staging, download or removal folder gets a marker
 * file (the work's kind, dataset id, owner pid and host, start time) before
 * anything is written into it, and the marker goes once the dataset is
 * recorded. The start-up sweep removes a folder only when it carries a marker
 * whose dataset is not recorded and whose owner is gone (its pid is dead on
 * this host, or the marker is older than an hour: another host's, or a pid
 * reused since a crash). A folder without a marker — the user's own — is never
 * touched, whatever its name or age.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const IMPORT_MARKER = '.latent-import-in-progress';
/** A marker older than this is abandoned even when its pid is alive (pids are reused) or on another host. */
export const MARKER_STALE_MS = 60 * 60 * 1000;

export type MarkerKind = 'import' | 'download' | 'remove';

export interface ImportMarker {
  kind: MarkerKind;
  /** The dataset id the folder is for (null for a download, which has none yet). */
  datasetId: string | null;
  pid: number;
  host: string;
  /** Milliseconds since the epoch. */
  startedAt: number;
}

/** Marks `dir` as the app's own, for work `kind` on `datasetId`, owned by this process. */
export function writeImportMarker(dir: string, kind: MarkerKind, datasetId: string | null): void {
  const marker: ImportMarker = { kind, datasetId, pid: process.pid, host: os.hostname(), startedAt: Date.now() };
  fs.writeFileSync(path.join(dir, IMPORT_MARKER), `${JSON.stringify(marker)}\n`, { mode: 0o600 });
}

/** Removes the marker once the work is recorded (the folder is then the dataset's, kept). */
export function clearImportMarker(dir: string): void {
  fs.rmSync(path.join(dir, IMPORT_MARKER), { force: true });
}

/** The marker in `dir`, or null when there is none or it is not one of ours (then the folder is not ours either). */
export function readImportMarker(dir: string): ImportMarker | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, IMPORT_MARKER), 'utf8');
  } catch {
    return null;
  }
  try {
    const m = JSON.parse(text) as Partial<ImportMarker>;
    const kindOk = m.kind === 'import' || m.kind === 'download' || m.kind === 'remove';
    const idOk = m.datasetId === null || typeof m.datasetId === 'string';
    if (!kindOk || !idOk || !Number.isInteger(m.pid) || typeof m.host !== 'string' || typeof m.startedAt !== 'number') return null;
    return { kind: m.kind!, datasetId: m.datasetId!, pid: m.pid!, host: m.host, startedAt: m.startedAt };
  } catch {
    return null;
  }
}

/** Whether process `pid` exists on this host (EPERM: it does, under another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** Whether the marker's owner is gone: its pid dead on this host, or the marker stale. */
export function ownerGone(m: ImportMarker, now: number): boolean {
  if (now - m.startedAt > MARKER_STALE_MS) return true;
  return m.host === os.hostname() && m.pid !== process.pid && !pidAlive(m.pid);
}

export interface SweepResult { removed: string[]; unmarked: string[] }

/**
 * Removes abandoned marked folders under `root`; a marked folder whose
 * dataset is recorded (a crash between recording and unmarking) only loses
 * its marker. Returns what it removed and the folders it left alone for
 * having no marker.
 */
export function sweepMarkedFolders(root: string, isRecorded: (datasetId: string) => boolean, now = Date.now()): SweepResult {
  const result: SweepResult = { removed: [], unmarked: [] };
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return result;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const dir = path.join(root, e.name);
    const m = readImportMarker(dir);
    if (!m) {
      result.unmarked.push(e.name);
      continue;
    }
    if (!ownerGone(m, now)) continue;
    // The dataset's own folder while its row exists: an import recorded before it was unmarked, or a
    // removal that stopped before deleting the row. Either way the dataset is there: keep its files.
    if (m.datasetId !== null && e.name === m.datasetId && isRecorded(m.datasetId)) {
      clearImportMarker(dir);
      continue;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    result.removed.push(e.name);
  }
  return result;
}
