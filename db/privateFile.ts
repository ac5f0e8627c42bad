/**
 * The database and its -wal and -shm files are readable by their owner only
 * (0600), whatever the umask: on a shared server they hold every run's
 * configuration, metrics and logs. The file is created empty with that mode
 * before SQLite opens it (SQLite gives the -wal and -shm files the database
 * file's own mode), and existing files of ours are tightened too. Windows has
 * no such modes: nothing is done there.
 */
import fs from 'node:fs';

export const DB_FILE_MODE = 0o600;

/** Creates `file` (0600) when missing and sets 0600 on it and its -wal/-shm files when present. */
export function makeDatabaseFilesPrivate(file: string): void {
  if (process.platform === 'win32') return;
  fs.closeSync(fs.openSync(file, 'a', DB_FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(f, DB_FILE_MODE);
    } catch (e) {
      // Absent (no -wal yet), or not ours (another user's file we may read): leave it.
      const code = (e as { code?: string }).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw e;
    }
  }
}
