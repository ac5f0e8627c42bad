/**
 * `serve` on a data folder whose disk is really full, for the e2e tests.
 *
 * The recipe of test/integration/readOnlyStart.test.ts: inside `unshare -Urm`
 * (an unprivileged user and mount namespace, no root needed, nothing mounted
 * outside it) a 4 MiB tmpfs is mounted, the prepared data folder copied onto
 * it and the rest filled with zeros until ENOSPC; then serve is exec'd on it,
 * so the SIGTERM of stop() reaches serve itself and the namespace, and its
 * tmpfs, go when serve exits. Only the mount namespace is private: serve's
 * 127.0.0.1 port is the host's, so Chromium outside reaches it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { attachServe, serveEntry, type ServeProcess } from './serveProcess';
import { tempDir } from './tempDir';

/** Whether this kernel lets an unprivileged user mount a tmpfs in a namespace of its own (some CI kernels refuse user namespaces). */
export function canMountPrivateTmpfs(): boolean {
  return spawnSync('unshare', ['-Urm', 'sh', '-c', 'mount -t tmpfs -o size=1m none "$0"', tempDir()], { encoding: 'utf8' }).status === 0;
}

/** The shell script run in the namespace: $1 the mount point, $2 the prepared data folder, $3 serve's entry. */
const script = [
  'set -eu',
  'mount -t tmpfs -o size=4m none "$1"',
  'cp -a "$2" "$1/data"',
  // dd stops at ENOSPC, with status 1: the disk is then full, which is the point.
  'dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null || true',
  'exec "$4" "$3" --port 0 --data "$1/data"',
].join('\n');

/**
 * Starts serve on a copy of `preparedDataDir` on a full 4 MiB tmpfs; the copy's
 * path, which serve names in its messages, is `<mount>/data` (mountPoint).
 */
export async function startServeOnFullDisk(preparedDataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess & { mountPoint: string }> {
  const mountPoint = tempDir();
  const child = spawn('unshare', ['-Urm', 'sh', '-c', script, 'sh', mountPoint, preparedDataDir, serveEntry, process.execPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { ...(await attachServe(child)), mountPoint };
}
