/**
 * Builds every service over one data directory and exposes them as the API
 * handlers both transports serve. No electron here: the desktop app, serve
 * mode, the CLI and the tests all start the app through this.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OpenStoreOptions, StoreLeaseOptions } from '../../db/openStore';
import { HEARTBEAT_MS } from '../../db/runOwner';
import { startOwnerSweep, sweepGoneOwners } from './ownerSweep';
import type { Store } from '../../db/storeTypes';
import { ApiError, type ApiHandlers } from '../common/api';
import type { ImportProgress } from '../common/domain';
import { AnalysisService } from './analysisService';
import { appVersion } from './appInfo';
import { ArchitectureService } from './architectureService';
import { ArtifactService } from './artifactService';
import { BundleService } from './bundleService';
import { ChangeWatcher } from './changeWatcher';
import { availableBackends, BackendProber, type ProbeRunner } from './backendProbe';
import { CorpusService } from './corpusService';
import { DatasetService } from './datasetService';
import { planDownload } from './datasetDownload';
import { EventBus } from './eventBus';
import { ExperimentService } from './experimentService';
import { compareSeries, metricSummaries } from './runCompare';
import { RunService } from './runService';
import { PresetService } from './presetService';
import { ReferenceClassifierService } from './referenceClassifierService';
import { SavedViewService } from './savedViewService';
import { SettingsService } from './settingsService';
import { guardReadOnly } from './dispatch';
import { openForStart } from './readOnlyStart';
import type { HostLauncher } from './trainingHost';

export interface AppServices {
  dataDir: string;
  store: Store;
  events: EventBus;
  experiments: ExperimentService;
  runs: RunService;
  datasets: DatasetService;
  corpora: CorpusService;
  referenceClassifiers: ReferenceClassifierService;
  settings: SettingsService;
  artifacts: ArtifactService;
  analysis: AnalysisService;
  architectures: ArchitectureService;
  views: SavedViewService;
  bundles: BundleService;
  /** Sends other processes' run changes, points, logs and artifacts on `events` (main/services/changeWatcher.ts). */
  changes: ChangeWatcher;
  handlers: ApiHandlers;
  /** Runs left running by a crash that were marked interrupted at start. */
  interruptedAtStart: number[];
  /** Why the data folder was opened read-only (its disk is full: readOnlyStart.ts), null when writable. */
  readOnly: string | null;
  close(): Promise<void>;
}

/** `--data DIR`, else LATENT_DATA, else ~/.latent-workbench. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['LATENT_DATA'];
  return fromEnv && fromEnv.trim() !== '' ? path.resolve(fromEnv) : path.join(os.homedir(), '.latent-workbench');
}

export interface CreateServicesOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /**
   * A native folder dialog (the desktop app passes Electron's); resolves to
   * the folder picked, or null when cancelled. Without it, system.pickFolder
   * says to type the path.
   */
  pickFolder?: (title?: string) => Promise<string | null>;
  /**
   * Starts the training and analysis hosts (default: worker threads, and
   * child processes forked from this Node). The desktop app passes one whose
   * processes are Electron utility processes; the Node 24 tests one that forks
   * another Node binary.
   */
  launchHost?: HostLauncher;
  /** Runs the backend probe's process (default: a fork of this Node; the desktop app passes a utility process). */
  probeRunner?: ProbeRunner;
  /** How long one analysis may run before its worker is terminated (default ANALYSIS_TIMEOUT_MS, 5 minutes). */
  analysisTimeoutMs?: number;
  /** How often to look for other processes' commits (default 500 ms); false: do not watch. */
  watchOtherProcesses?: number | false;
  /**
   * A read-only command (`latent runs`, `show`, `export`): it holds no lease
   * and never sweeps, so it changes no run's state (main/services/ownerSweep.ts).
   */
  readOnlyRuns?: boolean;
  /** Lease timing (db/openStore.ts) and how often gone owners' runs are swept (default HEARTBEAT_MS); tests shorten them. */
  lease?: StoreLeaseOptions & { sweepEveryMs?: number };
  /** Given the database connection once open (the disk-full tests limit its size with PRAGMA max_page_count). */
  onConnection?: OpenStoreOptions['onConnection'];
}

/**
 * Creates the data folder owner-only (0700, set again with chmod: the mode
 * given to mkdir is masked by the umask), so other users of a shared server
 * cannot list or read runs. A folder that exists keeps its mode: it may be
 * one the user chose and shares on purpose.
 */
function createDataDir(dataDir: string): void {
  const created = fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (created !== undefined && process.platform !== 'win32') fs.chmodSync(dataDir, 0o700);
}

export function createServices(opts: CreateServicesOptions): AppServices {
  const dataDir = path.resolve(opts.dataDir);
  createDataDir(dataDir);
  const sweepsWanted = opts.readOnlyRuns !== true;
  // On a full disk the start-up writes fail: the folder is then opened read-only and says why (readOnlyStart.ts).
  const opened = openForStart(path.join(dataDir, 'workbench.sqlite'), {
    appVersion, ...(opts.lease ? { lease: opts.lease } : {}), ...(opts.onConnection ? { onConnection: opts.onConnection } : {}),
  }, (s) => {
    if (!sweepsWanted) return [];
    s.holdLease();
    // Only runs whose process is gone: another live process on this folder keeps training its own.
    return sweepGoneOwners(s);
  });
  const { store, readOnly } = opened;
  const sweeps = sweepsWanted && readOnly === null;
  const interruptedAtStart = opened.startup ?? [];
  // A first start has no experiment: the UI's empty state says what to do first. Databases that have "Default" keep it;
  // a run started with no experiment named (the CLI's train) still lands in "Default", created then (store.ensureExperiment).
  const events = new EventBus();
  const experiments = new ExperimentService(store, dataDir);
  const importProgress = (p: ImportProgress): void => events.emit('datasets.onDidImportProgress', p);
  const datasets = new DatasetService(store, dataDir, importProgress);
  const corpora = new CorpusService(store, dataDir, undefined, importProgress);
  const referenceClassifiers = new ReferenceClassifierService(dataDir, datasets);
  const settings = new SettingsService(store, opts.env ?? process.env);
  const env = opts.env ?? process.env;
  const hostMode = env['LATENT_HOST'] === 'process' ? 'process' : 'auto';
  const launchHost = opts.launchHost;
  const runs = new RunService({ store, events, datasets, corpora, settings, dataDir, hostMode, ...(launchHost ? { launchHost } : {}) });
  const artifacts = new ArtifactService(store, dataDir);
  // An undefined launcher leaves AnalysisService's default (launchHost).
  // Runs and analyses share maxConcurrentRuns: each counts the other's slots, and an analysis ending starts queued runs first.
  let slotFreed: () => void = () => undefined;
  const analysis = new AnalysisService(store, events, settings, datasets, dataDir, launchHost, {
    activeRuns: () => runs.activeCount(),
    slotFreed: () => slotFreed(),
    ...(opts.analysisTimeoutMs !== undefined ? { timeoutMs: opts.analysisTimeoutMs } : {}),
  });
  slotFreed = runs.shareSlots(() => analysis.queueState().running);
  const architectures = new ArchitectureService(store);
  const views = new SavedViewService(store);
  const bundles = new BundleService(store, dataDir, appVersion);
  const presets = new PresetService({ experiments, runs, views });
  const pickFolder = opts.pickFolder;
  const backends = new BackendProber(opts.probeRunner ? { runner: opts.probeRunner } : {});
  const changes = new ChangeWatcher({
    store, events,
    summaryOf: (id) => (store.getRun(id) ? runs.summary(id) : undefined),
    ...(typeof opts.watchOtherProcesses === 'number' ? { intervalMs: opts.watchOtherProcesses } : {}),
  });
  if (opts.watchOtherProcesses !== false) changes.start();
  // A process that crashes while this one lives: its runs become interrupted here, and this process's windows hear it.
  const stopSweep = sweeps ? startOwnerSweep(store, {
    everyMs: opts.lease?.sweepEveryMs ?? HEARTBEAT_MS,
    interrupted: (ids) => { for (const id of ids) events.emit('runs.onDidChange', runs.summary(id)); },
  }) : () => undefined;
  // This process was taken for gone (its lease removed by another's sweep): the runs taken over stop at once, writing nothing more.
  const stopLeaseWatch = store.onLeaseLost(() => { runs.stopTakenOver(); });

  const handlers: ApiHandlers = guardReadOnly({
    'experiments.list': () => experiments.list(),
    'experiments.create': (r) => experiments.create(r.name, r.description),
    'presets.list': () => presets.list(),
    'presets.launch': (r) => presets.launch(r.id),
    'experiments.get': (r) => experiments.get(r.id),
    'datasets.renameClasses': (r) => datasets.renameClasses(r.id, r.classNames),
    'experiments.update': ({ id, ...change }) => experiments.update(id, change),
    'experiments.deletionPlan': (r) => experiments.deletionPlan(r.id),
    'experiments.delete': (r) => experiments.delete(r.id, (runId) => runs.delete(runId)),
    'runs.list': (r) => runs.list(r),
    'runs.setTags': (r) => runs.setTags(r.id, r.tags),
    'runs.update': ({ id, ...change }) => runs.update(id, change),
    'runs.delete': (r) => runs.delete(r.id),
    'runs.summaries': (r) => metricSummaries(store, r.ids, r.keys),
    'runs.compareSeries': (r) => compareSeries(store, r),
    'runs.get': (r) => runs.detail(r.id),
    'runs.start': (r) => runs.start(r.experimentId, r.config),
    'runs.cancel': (r) => runs.cancel(r.id),
    'runs.resume': (r) => runs.resume(r.id),
    'runs.reproduce': (r) => runs.reproduce(r.id),
    'runs.metrics': (r) => runs.metrics(r.id, r.keys, { maxPoints: r.maxPoints, range: r.range }),
    'runs.logs': (r) => runs.logs(r.id, r.afterId),
    'runs.analyze': (r) => analysis.analyze(r.id, r.request),
    'views.list': (r) => views.list(r.experimentId),
    'views.save': (r) => views.save(r.experimentId, r.name, r.state),
    'views.delete': (r) => views.delete(r.id),
    'artifacts.list': (r) => artifacts.list(r.runId, r.kind),
    'artifacts.read': (r) => artifacts.read(r.id),
    'datasets.list': () => datasets.list(),
    'datasets.images': (r) => datasets.images(r.id, r.split, r.indices),
    'datasets.import': (r) => datasets.import(r),
    'datasets.remove': (r) => datasets.remove(r.id),
    // Only on the user's request: the app itself never downloads anything.
    'datasets.download': (r) => datasets.download(r.name, planDownload(r)),
    'corpora.list': () => corpora.list(),
    'corpora.import': (r) => corpora.import(r),
    'corpora.remove': (r) => corpora.remove(r.id),
    'referenceClassifiers.list': () => referenceClassifiers.list(),
    'referenceClassifiers.import': (r) => referenceClassifiers.import(r),
    'referenceClassifiers.remove': (r) => referenceClassifiers.remove(r.datasetId),
    'system.pickFolder': async (r) => {
      if (!pickFolder) throw new ApiError('bad-request', 'A folder dialog exists only in the desktop app: type the folder\'s path instead');
      return { path: await pickFolder(r.title) };
    },
    'architectures.list': (r) => architectures.list(r.family),
    'architectures.get': (r) => architectures.get(r.id, r.version),
    'architectures.versions': (r) => architectures.versions(r.id),
    'architectures.save': (r) => architectures.save(r),
    'settings.get': () => settings.get(),
    'settings.update': (r) => settings.update(r),
    'bundles.export': (r) => bundles.export(r),
    'bundles.import': (r) => bundles.import(r.path),
    'system.backends': (r) => backends.diagnostics(r.refresh === true),
    'system.info': () => ({ appVersion, dataDir, availableBackends: availableBackends(), cpuCount: os.availableParallelism(), readOnly }),
  }, readOnly);

  let closed: Promise<void> | undefined;
  return {
    dataDir, store, events, experiments, runs, datasets, corpora, referenceClassifiers, settings, artifacts, analysis, architectures, views, bundles, changes, handlers, interruptedAtStart, readOnly,
    close: () => {
      stopSweep();
      stopLeaseWatch();
      changes.close();
      // Analysis workers and runs stopped before the store closes (a worker reads checkpoints the store names).
      closed ??= Promise.all([analysis.close(), runs.close(), datasets.close()]).then(() => store.close());
      return closed;
    },
  };
}
