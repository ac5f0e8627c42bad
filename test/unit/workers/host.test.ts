import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MainToWorker, StartMessage, WorkerToMain } from '../../../workers/common/protocol';
import { classifierConfigSchema } from '../../../workers/common/runConfig';
import { classifierTemplates } from '../../../workers/common/families/classifier/templates';
import { runHost } from '../../../workers/host/runHost';
import type { HostTransport } from '../../../workers/host/transport';

const tmp = mkdtempSync(join(tmpdir(), 'lw-host-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fakeTransport(): { transport: HostTransport; sent: WorkerToMain[]; deliver: (m: MainToWorker) => void; closed: Promise<void> } {
  const sent: WorkerToMain[] = [];
  let handler: ((m: MainToWorker) => void) | undefined;
  let onClose: () => void = () => {};
  const closed = new Promise<void>((r) => { onClose = r; });
  const transport: HostTransport = {
    mode: 'none',
    send: (m) => { sent.push(structuredClone(m)); return Promise.resolve(); },
    onMessage: (h) => { handler = h; },
    close: () => onClose(),
  };
  return { transport, sent, deliver: (m) => handler!(m), closed };
}

function start(hyper: Record<string, unknown>, extra: Partial<StartMessage> = {}): StartMessage {
  return {
    type: 'start', runId: 1, backend: 'wasm', runDir: join(tmp, `run-${Math.random().toString(36).slice(2)}`),
    config: classifierConfigSchema.parse({ family: 'classifier', dataset: { id: 'mnist', trainSize: 200, testSize: 100 }, hyper }),
    architecture: classifierTemplates.mlp, ...extra,
  };
}

const terminal = (sent: WorkerToMain[]): WorkerToMain[] => sent.filter((m) => m.type === 'done' || m.type === 'failed' || m.type === 'cancelled');

describe('training host (in-process transport)', () => {
  it('runs a classifier: ready, batched metrics, progress, checkpoint, exactly one done', async () => {
    const t = fakeTransport();
    runHost(t.transport, { installProcessHandlers: false });
    t.deliver(start({ epochs: 2, batchSize: 20 }));
    await t.closed;
    // First the Node the host runs on (so a native backend's load error can be read against it), then ready.
    expect(t.sent[0]).toEqual({ type: 'log', level: 'info', message: `Host: Node ${process.version} (in-process, pid ${process.pid})` });
    expect(t.sent[1]).toEqual({ type: 'ready', backend: 'wasm', wasmThreads: 1 });
    expect(terminal(t.sent)).toHaveLength(1);
    expect(t.sent.at(-1)!.type).toBe('done');
    const points = t.sent.flatMap((m) => (m.type === 'metrics' ? m.points : []));
    expect(points.filter((p) => p.key === 'loss')).toHaveLength(2 * 9);
    expect(t.sent.filter((m) => m.type === 'metrics').length).toBeLessThan(points.length);
    expect(t.sent.filter((m) => m.type === 'checkpoint')).toHaveLength(2);
    const progress = t.sent.filter((m) => m.type === 'progress');
    expect(progress.at(-1)).toEqual({ type: 'progress', epoch: 2, epochs: 2, step: 18, totalSteps: 18 });
  });

  it('cancels within a batch after a cancel message', async () => {
    const t = fakeTransport();
    runHost(t.transport, { installProcessHandlers: false });
    t.deliver(start({ epochs: 50, batchSize: 10 }));
    await new Promise((r) => setTimeout(r, 300));
    t.deliver({ type: 'cancel' });
    await t.closed;
    expect(terminal(t.sent)).toEqual([{ type: 'cancelled' }]);
  });

  it('fails with a clear message for an unavailable backend or bad graph', async () => {
    const t = fakeTransport();
    runHost(t.transport, { installProcessHandlers: false });
    t.deliver(start({}, { backend: 'tensorflow' }));
    await t.closed;
    expect(terminal(t.sent)).toEqual([{ type: 'failed', error: "Backend 'tensorflow' is not available: @tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node)" }]);

    const u = fakeTransport();
    runHost(u.transport, { installProcessHandlers: false });
    const graph = structuredClone(classifierTemplates.mlp);
    graph.nodes = graph.nodes.filter((n) => n.id !== 'flatten');
    graph.edges = [{ from: 'input', to: 'hidden', toPort: 0 }, ...graph.edges.filter((e) => e.from !== 'input' && e.from !== 'flatten')];
    u.deliver(start({}, { backend: 'cpu', architecture: graph }));
    await u.closed;
    const f = terminal(u.sent)[0];
    expect(f?.type).toBe('failed');
    expect(f?.type === 'failed' ? f.error : '').toMatch(/Add a flatten layer before 'hidden'/);
  });
});
