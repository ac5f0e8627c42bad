/**
 * A full disk in words a researcher can act on. SQLite reports it as
 * SQLITE_FULL ("database or disk is full"), Node's fs as ENOSPC, and a
 * training host that failed to write a checkpoint or a sample image sends the
 * ENOSPC text in its `failed` message: all three are the same fault, and the
 * run's record should say so in one sentence that names the data folder and
 * what was written before it filled.
 */

/** The codes and texts of a full disk: SQLite's, Node's (ENOSPC; EDQUOT is a full quota) and their messages as a worker forwards them. */
const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
const DISK_FULL_TEXT = /\bENOSPC\b|\bEDQUOT\b|SQLITE_FULL|database or disk is full|no space left on device|disk quota exceeded/i;

/** True when `e` (an Error, its code, or a worker's error text) says the disk or its quota is full. */
export function isDiskFull(e: unknown): boolean {
  if (typeof e === 'string') return DISK_FULL_TEXT.test(e);
  if (typeof e !== 'object' || e === null) return false;
  const code = 'code' in e ? e.code : undefined;
  if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true;
  return 'message' in e && typeof e.message === 'string' && DISK_FULL_TEXT.test(e.message);
}

/** What a run had written when the disk filled: counted by its session as the messages were stored. */
export interface WrittenSoFar {
  /** Metric points stored. */
  points: number;
  /** Artifacts (checkpoints, images) recorded. */
  artifacts: number;
  /** The last step a stored point reached, when any. */
  lastStep: number | null;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/**
 * "Disk full: …" — the message a run fails with. `what` names the write that
 * failed ("a metrics batch", "a checkpoint"); `written` says how far the run
 * got, so the researcher knows what they have and that a resume continues from
 * the last checkpoint.
 */
export function diskFullMessage(dataDir: string, what: string, written: WrittenSoFar): string {
  const upTo = written.lastStep === null ? '' : ` up to step ${written.lastStep.toLocaleString('en-US')}`;
  return `Disk full: the disk holding the data folder ${dataDir} has no space left, so ${what} could not be written. `
    + `Kept: ${plural(written.points, 'metric point', 'metric points')}${upTo} and ${plural(written.artifacts, 'artifact', 'artifacts')}. `
    + 'Training was stopped; free space on that disk, then resume the run from its last checkpoint.';
}

/** The reason the app runs read-only, as the banner, system.info and the CLI show it. */
export function readOnlyReason(dataDir: string, cause: string): string {
  return `The data folder's disk is full: ${dataDir} could not be written (${cause}). `
    + 'The app opened it read-only: runs can be listed and read, nothing can be started or changed. Free space on that disk and restart.';
}

/** Retry delays for a status write that failed on a full disk: 1 s, doubling, at most a minute apart. */
export function retryDelayMs(attempt: number, firstMs = 1000, maxMs = 60_000): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt));
}
