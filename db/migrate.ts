/**
 * Schema migrations: db/migrations/NNNN_name.sql, applied in order, each in its
 * own transaction. The schema version is PRAGMA user_version (the number of the
 * last applied migration). Before upgrading a database that already holds a
 * schema, a copy of it is written next to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './sqlite';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationResult {
  from: number;
  to: number;
  /** The copy written before upgrading, when there was something to keep. */
  backupPath: string | null;
}

const FILE_PATTERN = /^(\d{4})_([A-Za-z0-9_-]+)\.sql$/;

/**
 * The folder holding the .sql files. The build copies db/migrations to
 * dist/db/migrations; under vitest __dirname is the source db/ folder. When the
 * copy is missing from dist, fall back to the source folder next to it.
 */
export function defaultMigrationsDir(): string {
  const beside = path.join(__dirname, 'migrations');
  if (fs.existsSync(beside)) return beside;
  const source = path.join(__dirname, '..', '..', 'db', 'migrations');
  if (fs.existsSync(source)) return source;
  return beside;
}

/** Reads and orders the migrations; their numbers must run 1, 2, 3, … without gaps. */
export function loadMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  if (!fs.existsSync(dir)) throw new Error(`Migrations folder not found: ${dir}`);
  const migrations: Migration[] = [];
  for (const file of fs.readdirSync(dir)) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new Error(`Migration file "${file}" is not named NNNN_name.sql`);
    migrations.push({
      version: Number(match[1]),
      name: match[2] ?? '',
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`Migrations must be numbered 0001, 0002, … without gaps or duplicates; found ${String(m.version).padStart(4, '0')}_${m.name} at position ${i + 1} in ${dir}`);
    }
  });
  return migrations;
}

export function userVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function backupPathFor(file: string, oldVersion: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let candidate = `${file}.backup-v${oldVersion}-${stamp}`;
  for (let n = 1; fs.existsSync(candidate); n++) candidate = `${file}.backup-v${oldVersion}-${stamp}-${n}`;
  return candidate;
}

/** A consistent copy of the whole database (WAL content included), written synchronously. */
function backup(db: Db, oldVersion: number): string | null {
  if (db.memory || db.name === '') return null;
  const target = backupPathFor(db.name, oldVersion);
  db.prepare('VACUUM INTO ?').run(target);
  return target;
}

function applyOne(db: Db, migration: Migration): void {
  db.transaction(() => {
    db.exec(migration.sql);
    const violations = db.pragma('foreign_key_check');
    if (Array.isArray(violations) && violations.length > 0) {
      throw new Error(`Migration ${migration.version}_${migration.name} left ${violations.length} foreign-key violation(s)`);
    }
    db.pragma(`user_version = ${migration.version}`);
  }).immediate();
}

/**
 * Brings the database up to the latest migration. Throws, without changing
 * anything, when the file was written by a newer schema than this app knows.
 */
export function migrate(db: Db, migrationsDir?: string, appVersion?: string): MigrationResult {
  const migrations = loadMigrations(migrationsDir ?? defaultMigrationsDir());
  const latest = migrations.length;
  const from = userVersion(db);
  if (from > latest) {
    const app = appVersion ? `Latent Workbench ${appVersion}` : 'This version of Latent Workbench';
    throw new Error(
      `The database ${db.name} has schema version ${from}, newer than the latest this app knows (${latest}). ` +
      `It was written by a newer Latent Workbench; ${app} cannot open it safely. ` +
      'Update the app, or point it at another data directory.',
    );
  }
  if (from === latest) return { from, to: from, backupPath: null };

  const backupPath = from > 0 ? backup(db, from) : null;
  // Table rebuilds in later migrations need foreign keys off; checked per migration instead.
  const foreignKeys = Number(db.pragma('foreign_keys', { simple: true })) === 1;
  db.pragma('foreign_keys = OFF');
  try {
    for (const migration of migrations.slice(from)) applyOne(db, migration);
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
  return { from, to: latest, backupPath };
}
