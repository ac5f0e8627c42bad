/** The SQLite handle type used across db/, so modules name one type. */
import type BetterSqlite3 from 'better-sqlite3';

export type Db = BetterSqlite3.Database;
export type Statement<P extends unknown[], R> = BetterSqlite3.Statement<P, R>;
