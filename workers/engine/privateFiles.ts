/**
 * Files only their owner may read: checkpoints and gallery artifacts are 0600,
 * their folders 0700, whatever the process's umask (the mode given at creation
 * is masked by it, so the mode is set again with chmod). On a shared GPU server
 * other users must not read a run's weights or samples. Windows has no such
 * modes: there the files keep the folder's ACLs and these calls only write.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
const posix = process.platform !== 'win32';

/** Creates `dir` (and missing parents) as 0700; an existing folder keeps its mode. */
export async function mkdirPrivate(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (posix && first !== undefined) await chmod(dir, PRIVATE_DIR_MODE);
}

/** Writes `file` readable and writable by its owner only. */
export async function writePrivateFile(file: string, data: string | Uint8Array): Promise<void> {
  await writeFile(file, data, { mode: PRIVATE_FILE_MODE });
  if (posix) await chmod(file, PRIVATE_FILE_MODE);
}
