/**
 * Bundles: moving runs between workbenches as one .lwbundle file
 * (main/common/bundleFormat.ts). Export and import live in main/services/bundle/;
 * this service resolves what the API and the CLI name (an experiment, runs)
 * and removes staging folders a crashed import left.
 */
import type { Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { BundleExportReport, BundleImportReport } from '../common/bundleFormat';
import { exportBundle } from './bundle/bundleExport';
import { importBundle, sweepStaging } from './bundle/bundleImport';

export interface BundleExportRequest {
  experimentId?: number | undefined;
  runIds?: readonly number[] | undefined;
  path: string;
  includeDatasets: boolean;
}

export class BundleService {
  /** One import or export at a time: two imports of one bundle must not both see its runs as new. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: Store, private readonly dataDir: string, private readonly appVersion: string) {
    sweepStaging(dataDir);
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  export(req: BundleExportRequest): Promise<BundleExportReport> {
    let runIds: readonly number[];
    let experiment: string | null = null;
    if (req.experimentId !== undefined) {
      const e = this.store.getExperiment(req.experimentId);
      if (!e) throw new ApiError('not-found', `Experiment ${req.experimentId} does not exist`);
      experiment = e.name;
      // Oldest first, so a bundle lists runs in the order they were made.
      runIds = this.store.listRunSummaries({ experimentId: e.id }).map((r) => r.id).reverse();
      if (runIds.length === 0) throw new ApiError('bad-request', `Experiment "${e.name}" has no runs to export`);
    } else {
      runIds = req.runIds ?? [];
    }
    const ctx = { store: this.store, dataDir: this.dataDir, appVersion: this.appVersion };
    return this.serial(() => exportBundle(ctx, { runIds, experiment, out: req.path, includeDatasets: req.includeDatasets }));
  }

  import(file: string): Promise<BundleImportReport> {
    return this.serial(() => importBundle({ store: this.store, dataDir: this.dataDir }, file));
  }
}
