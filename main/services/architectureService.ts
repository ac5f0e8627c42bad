/**
 * Saved architectures: named, versioned documents of one family each. The
 * request schema has already checked that a document fits its family (kind
 * and part names); shape errors are allowed (drafts), runs refuse them.
 */
import { ArchitectureSaveError, type Store } from '../../db/storeTypes';
import { ApiError, type ApiParsedRequest } from '../common/api';
import type { ArchitectureFamily, ArchitectureInfo, ArchitectureVersionInfo } from '../common/domain';
import { architectureFamilyIssue } from '../../workers/common/runConfig';

const architectureSaveErrorCodes = {
  'unknown-family': 'bad-request',
  'family-mismatch': 'conflict',
  'no-fork-parent': 'not-found',
} as const satisfies Record<ArchitectureSaveError['reason'], ApiError['code']>;

export class ArchitectureService {
  constructor(private readonly store: Store) {}

  list(family?: ArchitectureFamily): ArchitectureInfo[] {
    return this.store.listArchitectures(family === undefined ? {} : { family });
  }

  get(id: number, version?: number): ArchitectureInfo {
    const a = this.store.getArchitecture(id, version);
    if (a) return a;
    if (version !== undefined && this.store.getArchitecture(id)) {
      throw new ApiError('not-found', `Architecture ${id} has no version ${version}`);
    }
    throw new ApiError('not-found', `Architecture ${id} does not exist`);
  }

  versions(id: number): ArchitectureVersionInfo[] {
    const versions = this.store.listArchitectureVersions(id);
    if (versions.length === 0) throw new ApiError('not-found', `Architecture ${id} does not exist`);
    return versions;
  }

  save(r: ApiParsedRequest<'architectures.save'>): ArchitectureInfo {
    // The schema checks this too; callers that build the request themselves get the same answer.
    const issue = architectureFamilyIssue(r.family, r.architecture);
    if (issue) throw new ApiError('bad-request', `The document does not fit family '${r.family}': ${issue}`, [{ path: ['architecture'], message: issue }]);
    try {
      return this.store.saveArchitecture({
        name: r.name,
        family: r.family,
        architecture: r.architecture,
        ...(r.note !== undefined ? { note: r.note } : {}),
        ...(r.forkOf !== undefined ? { forkOf: r.forkOf } : {}),
      });
    } catch (e) {
      if (e instanceof ArchitectureSaveError) throw new ApiError(architectureSaveErrorCodes[e.reason], e.message);
      throw e;
    }
  }
}
