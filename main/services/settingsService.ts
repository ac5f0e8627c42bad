/** User settings, kept in the database; LATENT_BACKEND overrides the backend choice, LATENT_WASM_THREADS the wasm threads. */
import * as os from 'node:os';
import type { Store } from '../../db/storeTypes';
import type { Settings } from '../common/domain';
import { ApiError } from '../common/api';
import type { BackendChoice } from '../../workers/common/protocol';
import { checkWasmThreadsSetting, wasmThreadsOverride } from './wasmThreadsCheck';

const backendChoices: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

function isBackendChoice(v: string | undefined): v is BackendChoice {
  return v !== undefined && (backendChoices as readonly string[]).includes(v);
}

export class SettingsService {
  constructor(private readonly store: Store, private readonly env: NodeJS.ProcessEnv = process.env) {
    const forced = env['LATENT_BACKEND'];
    if (forced !== undefined && forced !== '' && !isBackendChoice(forced)) {
      throw new Error(`LATENT_BACKEND must be one of ${backendChoices.join(', ')}; got "${forced}"`);
    }
    wasmThreadsOverride(env); // refuses a malformed LATENT_WASM_THREADS at start
  }

  get(): Settings {
    const forced = this.env['LATENT_BACKEND'];
    const stored = this.store.getSetting('backend');
    const backend: BackendChoice = isBackendChoice(forced) ? forced : isBackendChoice(stored) ? stored : 'auto';
    const maxRaw = Number(this.store.getSetting('maxConcurrentRuns'));
    const maxConcurrentRuns = Number.isInteger(maxRaw) && maxRaw >= 1 ? maxRaw : Math.max(1, os.availableParallelism());
    const threadsRaw = Number(this.store.getSetting('wasmThreads'));
    // 1 (single-threaded) unless set; a stored value above this machine's cores (a database moved here) is capped to them.
    const storedThreads = Number.isInteger(threadsRaw) && threadsRaw >= 1 ? Math.min(threadsRaw, os.availableParallelism()) : 1;
    const wasmThreads = wasmThreadsOverride(this.env) ?? storedThreads;
    return { backend, maxConcurrentRuns, wasmThreads };
  }

  update(patch: Partial<Settings>): Settings {
    if (patch.backend !== undefined) {
      if (!isBackendChoice(patch.backend)) throw new ApiError('bad-request', `Unknown backend "${String(patch.backend)}"`);
      this.store.setSetting('backend', patch.backend);
    }
    if (patch.maxConcurrentRuns !== undefined) this.store.setSetting('maxConcurrentRuns', String(patch.maxConcurrentRuns));
    if (patch.wasmThreads !== undefined) {
      checkWasmThreadsSetting(patch.wasmThreads);
      this.store.setSetting('wasmThreads', String(patch.wasmThreads));
    }
    return this.get();
  }
}
