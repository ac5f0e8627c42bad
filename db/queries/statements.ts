/**
 * Prepared-statement cache: each SQL text is prepared once per connection.
 * The type parameters describe the bound parameters and the row shape.
 */
import type { Db, Statement } from '../sqlite';

const caches = new WeakMap<Db, Map<string, Statement<unknown[], unknown>>>();

export function statement<P extends unknown[] = [], R = unknown>(db: Db, sql: string): Statement<P, R> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare<unknown[], unknown>(sql);
    cache.set(sql, stmt);
  }
  return stmt as unknown as Statement<P, R>;
}

/** The rowid of the row an INSERT just wrote, as a number. */
export function insertedId(result: { lastInsertRowid: number | bigint }): number {
  return Number(result.lastInsertRowid);
}
