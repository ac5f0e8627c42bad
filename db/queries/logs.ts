/** Run log lines; ids only grow, so readers poll with "after id". */
import type { LogLine } from '../../main/common/domain';
import type { Db } from '../sqlite';
import { insertedId, statement } from './statements';

interface LogRow {
  id: number;
  run_id: number;
  time: number;
  level: LogLine['level'];
  message: string;
}

function toLogLine(row: LogRow): LogLine {
  return { id: row.id, runId: row.run_id, time: row.time, level: row.level, message: row.message };
}

export function appendLog(db: Db, runId: number, level: LogLine['level'], message: string, at: number): LogLine {
  const result = statement<[number, number, string, string]>(db,
    'INSERT INTO logs (run_id, time, level, message) VALUES (?, ?, ?, ?)').run(runId, at, level, message);
  return { id: insertedId(result), runId, time: at, level, message };
}

/** Oldest first; with afterId, only lines written after that one. */
export function getLogs(db: Db, runId: number, afterId = 0): LogLine[] {
  return statement<[number, number], LogRow>(db,
    'SELECT id, run_id, time, level, message FROM logs WHERE run_id = ? AND id > ? ORDER BY id')
    .all(runId, afterId).map(toLogLine);
}
