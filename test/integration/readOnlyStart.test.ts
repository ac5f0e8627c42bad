/**
 * The app starts read-only on a full disk, and says so.
 *
 * The full disk is real: a 4 MiB tmpfs mounted in a private mount namespace
 * (`unshare -Urm`: an unprivileged user namespace, no root needed, nothing
 * mounted outside the command), the data folder copied onto it, the rest
 * filled with zeros until ENOSPC. Opening then fails for real — SQLite cannot
 * grow the database's -shm file (SQLITE_IOERR_SHMSIZE) with no byte free —
 * so the services open the database read-only (exclusive locking, WAL index
 * in memory, query_only). Inside that namespace, the built CLI lists runs and
 * refuses `experiments create` with the reason and exit code 1, and the built
 * services answer system.info with the reason, still read runs, and refuse a
 * write through dispatch with a 409 'conflict' naming it. Where user
 * namespaces are not allowed (some CI kernels), the test is skipped and says
 * so; a file-size limit (ulimit -f) is no substitute: SQLite reports its EFBIG
 * as a generic I/O error, not a full disk.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServices } from '../../main/services/appServices';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';
import { sampleRun } from '../unit/db/helpers';

const canUnshare = spawnSync('unshare', ['-Urm', 'sh', '-c', 'mount -t tmpfs -o size=1m none "$0"', tempDir()], { encoding: 'utf8' }).status === 0;

/** The script the services part runs inside the namespace: JSON of what system.info, runs.list and experiments.create answered. */
const servicesProbe = `
const { createServices } = require(${JSON.stringify(path.join(repoRoot, 'dist/main/services/appServices.js'))});
const { dispatch } = require(${JSON.stringify(path.join(repoRoot, 'dist/main/services/dispatch.js'))});
(async () => {
  const s = createServices({ dataDir: process.argv[1], watchOtherProcesses: false });
  const info = await dispatch(s.handlers, 'system.info', {});
  const list = await dispatch(s.handlers, 'runs.list', {});
  const create = await dispatch(s.handlers, 'experiments.create', { name: 'more' });
  await s.close();
  process.stdout.write(JSON.stringify({ info, list, create }));
})();`;

describe('a data folder on a full disk', () => {
  it.skipIf(!canUnshare)('opens read-only: reads work, writes are refused with the reason (CLI exit 1, API 409)', async () => {
    requireBuilt();
    const source = tempDir();
    const s = createServices({ dataDir: source, watchOtherProcesses: false });
    s.store.createRun(sampleRun(s.experiments.create('kept', '').id, { name: 'r1' }));
    await s.close();
    const mount = tempDir();
    const cli = path.join(repoRoot, 'dist/main/cli/cliMain.js');
    const script = [
      'set -u',
      'mount -t tmpfs -o size=4m none "$1"',
      'cp -a "$2" "$1/data"',
      'dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null',
      `node ${cli} --data "$1/data" runs --json > "$3/runs.out" 2> "$3/runs.err"; echo $? > "$3/runs.code"`,
      `node ${cli} --data "$1/data" experiments create more > "$3/create.out" 2> "$3/create.err"; echo $? > "$3/create.code"`,
      `node -e "$4" "$1/data" > "$3/services.out" 2> "$3/services.err"`,
    ].join('\n');
    const out = tempDir();
    const r = spawnSync('unshare', ['-Urm', 'sh', '-c', script, 'sh', mount, source, out, servicesProbe], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const read = (f: string): string => fs.readFileSync(path.join(out, f), 'utf8');

    expect(read('runs.code').trim()).toBe('0');
    expect(read('runs.out')).toContain('"name":"r1"');
    expect(read('runs.err')).toMatch(/^latent: note: The data folder's disk is full: .* could not be written \(SQLITE_IOERR_SHMSIZE: disk I\/O error; 0 bytes free\)\. The app opened it read-only/);
    expect(read('create.code').trim()).toBe('1');
    expect(read('create.err')).toMatch(/^latent: experiments create was refused: The data folder's disk is full: .* Free space on that disk and restart\.\n$/);

    const probe = JSON.parse(read('services.out')) as { info: { ok: boolean; result: { readOnly: string | null } }; list: { ok: boolean; result: unknown[] }; create: { ok: boolean; error: { code: string; message: string } } };
    expect(probe.info.result.readOnly).toMatch(/^The data folder's disk is full/);
    expect(probe.list.result).toHaveLength(1);
    expect(probe.create.ok).toBe(false);
    expect(probe.create.error.code).toBe('conflict');
    expect(probe.create.error.message).toMatch(/^experiments\.create was refused: The data folder's disk is full/);
  });
});
