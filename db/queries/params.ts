/** Typed hyperparameters, one row per key, so runs can be filtered and compared by value. */
import type { ParamValue } from '../../main/common/domain';
import type { Db } from '../sqlite';
import { statement } from './statements';

type ValueType = 'number' | 'string' | 'boolean';

interface ParamRow {
  key: string;
  value_type: ValueType;
  num_value: number | null;
  text_value: string | null;
}

function toValue(row: ParamRow): ParamValue {
  switch (row.value_type) {
    case 'boolean': return row.num_value === 1;
    case 'string': return row.text_value ?? '';
    case 'number': return row.num_value ?? Number.NaN;
  }
}

/** Writes the params of a new run; call inside the run's insert transaction. */
export function insertParams(db: Db, runId: number, params: Record<string, ParamValue>): void {
  const insert = statement<[number, string, ValueType, number | null, string | null]>(db,
    'INSERT INTO params (run_id, key, value_type, num_value, text_value) VALUES (?, ?, ?, ?, ?)');
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'number') insert.run(runId, key, 'number', value, null);
    else if (typeof value === 'boolean') insert.run(runId, key, 'boolean', value ? 1 : 0, null);
    else insert.run(runId, key, 'string', null, value);
  }
}

export function getParams(db: Db, runId: number): Record<string, ParamValue> {
  const rows = statement<[number], ParamRow>(db,
    'SELECT key, value_type, num_value, text_value FROM params WHERE run_id = ? ORDER BY key').all(runId);
  const params: Record<string, ParamValue> = {};
  for (const row of rows) params[row.key] = toValue(row);
  return params;
}

/** Each requested run's params in one query (an empty record for a run without any): a runs table of thousands asks once, not once a run. */
export function paramsOf(db: Db, runIds: readonly number[]): Map<number, Record<string, ParamValue>> {
  const out = new Map<number, Record<string, ParamValue>>(runIds.map((id) => [id, {}]));
  if (runIds.length === 0) return out;
  const rows = statement<[string], ParamRow & { run_id: number }>(db,
    'SELECT run_id, key, value_type, num_value, text_value FROM params WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, key').all(JSON.stringify(runIds));
  for (const row of rows) {
    const params = out.get(row.run_id);
    if (params) params[row.key] = toValue(row);
  }
  return out;
}
