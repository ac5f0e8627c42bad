/**
 * A RunService over a real SQLite store in a temp folder, its training hosts
 * fake (./fakeHost.ts), as the RunService and runs.reproduce tests drive it.
 * A test file calls closeFakeRunServices after each test.
 */
import path from 'node:path';
import { openStore } from '../../../db/openStore';
import type { Store } from '../../../db/storeTypes';
import { CorpusService } from '../../../main/services/corpusService';
import { DatasetService } from '../../../main/services/datasetService';
import { EventBus } from '../../../main/services/eventBus';
import { RunService } from '../../../main/services/runService';
import { SettingsService } from '../../../main/services/settingsService';
import type { HostLauncher } from '../../../main/services/trainingHost';
import { removeTempDirs, tempDir } from '../db/helpers';
import { fakeLauncher, type FakeHost } from './fakeHost';

const open: { runs: RunService; store: Store }[] = [];

export interface FakeRunServiceOptions {
  maxConcurrentRuns: number;
  /** The bus the services emit on (a test subscribes to it first); a new one unless given. */
  events?: EventBus;
  /** Wraps the fake launcher, e.g. to make a launch throw. */
  wrapLaunch?: (launch: HostLauncher) => HostLauncher;
}

export interface FakeRunService {
  dataDir: string;
  store: Store;
  runs: RunService;
  corpora: CorpusService;
  /** The fake hosts launched, in order. */
  hosts: FakeHost[];
  /** The 'Default' experiment's id. */
  experimentId: number;
}

/** Services on the cpu backend with the given concurrency, closed by closeFakeRunServices. */
export function fakeRunService(o: FakeRunServiceOptions): FakeRunService {
  const dataDir = tempDir();
  const store = openStore(path.join(dataDir, 'workbench.sqlite'));
  const settings = new SettingsService(store, {});
  settings.update({ backend: 'cpu', maxConcurrentRuns: o.maxConcurrentRuns });
  const { launch, hosts } = fakeLauncher();
  const corpora = new CorpusService(store, dataDir);
  const runs = new RunService({
    store, events: o.events ?? new EventBus(), datasets: new DatasetService(store, dataDir), corpora, settings, dataDir,
    launchHost: o.wrapLaunch ? o.wrapLaunch(launch) : launch,
  });
  open.push({ runs, store });
  return { dataDir, store, runs, corpora, hosts, experimentId: store.ensureExperiment('Default').id };
}

/** Closes every service and store fakeRunService opened and removes their folders (each test file's afterEach). */
export async function closeFakeRunServices(): Promise<void> {
  for (const o of open.splice(0)) {
    await o.runs.close();
    o.store.close();
  }
  removeTempDirs();
}
