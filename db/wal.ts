/** Connection settings and WAL upkeep, so the -wal file stays bounded. */
import type { Db } from './sqlite';

export const BUSY_TIMEOUT_MS = 5000;
/** After a checkpoint resets it, the WAL is truncated to at most this size. */
export const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

export function configureConnection(db: Db): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const mode = String(db.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
  if (mode !== 'wal' && !db.memory) throw new Error(`Could not switch ${db.name} to WAL mode (got "${mode}")`);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
}

export interface CheckpointResult {
  /** False when another connection's readers kept the checkpoint from finishing. */
  complete: boolean;
}

function isCheckpointRow(value: unknown): value is { busy: number } {
  return typeof value === 'object' && value !== null && 'busy' in value && typeof value.busy === 'number';
}

/**
 * wal_checkpoint(TRUNCATE): copies the WAL into the database and truncates it
 * to zero bytes. With wait=false it gives up at once instead of waiting for
 * other connections' readers (used for the periodic checkpoint during training).
 */
export function checkpoint(db: Db, wait: boolean): CheckpointResult {
  if (!wait) db.pragma('busy_timeout = 0');
  try {
    const rows = db.pragma('wal_checkpoint(TRUNCATE)');
    const row: unknown = Array.isArray(rows) ? rows[0] : undefined;
    return { complete: isCheckpointRow(row) && row.busy === 0 };
  } finally {
    if (!wait) db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}
