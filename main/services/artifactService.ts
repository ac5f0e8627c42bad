/**
 * Artifacts seen from the API: listed with their meta, and read back as
 * bytes for both transports. Files are only ever read from inside the data
 * directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArtifactRecord, Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { ArtifactContent, ArtifactInfo } from '../common/domain';
import { CHECKPOINT_KIND } from '../../workers/common/families/registry';

const MAX_READ_BYTES = 32 * 1024 * 1024;

/** Kinds whose artifact is a checkpoint directory, not a file: the epoch checkpoints and a GAN's generator kept at each scored step. */
const DIRECTORY_KINDS: readonly string[] = [CHECKPOINT_KIND, 'scored-generator'];

function mimeOf(kind: string, file: string): string {
  if (DIRECTORY_KINDS.includes(kind)) return 'inode/directory';
  switch (path.extname(file).toLowerCase()) {
    case '.png': return 'image/png';
    case '.json': return 'application/json';
    default: return 'application/octet-stream';
  }
}

export function toArtifactInfo(a: ArtifactRecord): ArtifactInfo {
  return { id: a.id, runId: a.runId, kind: a.kind, step: a.step, meta: a.meta, createdAt: a.createdAt, mime: mimeOf(a.kind, a.path) };
}

/** An artifact with where it is on this machine (the CLI's `artifacts` and `show --json`; the API does not send paths). */
export interface ArtifactOnDisk extends ArtifactInfo {
  /** Absolute path of its file (or checkpoint directory). */
  path: string;
  /** Whether that file or directory is there now. */
  exists: boolean;
}

export class ArtifactService {
  constructor(private readonly store: Store, private readonly dataDir: string) {}

  list(runId: number, kind?: string): ArtifactInfo[] {
    if (!this.store.getRun(runId)) throw new ApiError('not-found', `Run ${runId} does not exist`);
    return this.store.listArtifacts(runId, kind).map(toArtifactInfo);
  }

  /** A run's artifacts (of one kind, when given) in record order, with their absolute paths. */
  listOnDisk(runId: number, kind?: string): ArtifactOnDisk[] {
    if (!this.store.getRun(runId)) throw new ApiError('not-found', `Run ${runId} does not exist`);
    return this.store.listArtifacts(runId, kind).map((a) => {
      const file = path.resolve(this.dataDir, a.path);
      return { ...toArtifactInfo(a), path: file, exists: fs.existsSync(file) };
    });
  }

  read(id: number): ArtifactContent {
    const a = this.store.getArtifact(id);
    if (!a) throw new ApiError('not-found', `Artifact ${id} does not exist`);
    const info = toArtifactInfo(a);
    if (info.mime === 'inode/directory') throw new ApiError('bad-request', `Artifact ${id} is a checkpoint directory; it has no single file to read`);
    const file = path.resolve(this.dataDir, a.path);
    if (!file.startsWith(path.resolve(this.dataDir) + path.sep)) throw new ApiError('bad-request', `Artifact ${id} points outside the data directory`);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new ApiError('not-found', `Artifact ${id}'s file ${a.path} is missing from the data directory`);
    }
    if (st.size > MAX_READ_BYTES) throw new ApiError('bad-request', `Artifact ${id} is too large to read through the API (${st.size} bytes)`);
    return { id, mime: info.mime, base64: fs.readFileSync(file).toString('base64') };
  }
}
