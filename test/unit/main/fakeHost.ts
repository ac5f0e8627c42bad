/**
 * A training host a test drives by hand: it records what the services send
 * and plays the worker's side of the protocol (ready, metrics, progress,
 * checkpoint, done, failed, a crash). Everything else in these tests is
 * real: the SQLite store, the event bus, the services.
 */
import type { HostEnv, HostExit, HostKind, HostLauncher, TrainingHost } from '../../../main/services/trainingHost';
import type { MainToWorker, WorkerToMain } from '../../../workers/common/protocol';

export class FakeHost implements TrainingHost {
  readonly sent: MainToWorker[] = [];
  killed = false;
  private readonly messageListeners: ((m: WorkerToMain) => void)[] = [];
  private readonly exitListeners: ((e: HostExit) => void)[] = [];
  private exited = false;

  /** `env`: the variables the services gave this host on top of their own environment. */
  constructor(readonly kind: HostKind, readonly env: HostEnv = {}) {}

  send(message: MainToWorker): void {
    if (!this.exited) this.sent.push(message);
  }

  onMessage(listener: (message: WorkerToMain) => void): void {
    this.messageListeners.push(listener);
  }

  onExit(listener: (exit: HostExit) => void): void {
    this.exitListeners.push(listener);
  }

  /** As a terminated worker: it goes, and says so a moment later. */
  kill(): void {
    this.killed = true;
    void Promise.resolve().then(() => this.exit({ code: null, signal: 'SIGKILL' }));
  }

  /** The worker posts a message. */
  emit(...messages: WorkerToMain[]): void {
    for (const m of messages) for (const l of [...this.messageListeners]) l(m);
  }

  /** The worker has gone (once, however often this is called). */
  exit(exit: HostExit = { code: 0 }): void {
    if (this.exited) return;
    this.exited = true;
    for (const l of [...this.exitListeners]) l(exit);
  }

  get hasExited(): boolean {
    return this.exited;
  }
}

/** A launcher handing out fake hosts, and the hosts it handed out, in order. */
export function fakeLauncher(): { launch: HostLauncher; hosts: FakeHost[] } {
  const hosts: FakeHost[] = [];
  return {
    hosts,
    launch: (kind, env) => {
      const host = new FakeHost(kind, env);
      hosts.push(host);
      return host;
    },
  };
}
