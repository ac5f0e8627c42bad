/** App settings as key/value text; the settings service owns their meaning. */
import type { Db } from '../sqlite';
import { statement } from './statements';

export function getSetting(db: Db, key: string): string | undefined {
  const row = statement<[string], { value: string }>(db, 'SELECT value FROM settings WHERE key = ?').get(key);
  return row?.value;
}

export function setSetting(db: Db, key: string, value: string): void {
  statement<[string, string]>(db,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    .run(key, value);
}
