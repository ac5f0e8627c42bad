import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../renderer/api/apiClient';
import { ApiCallError } from '../../../renderer/api/apiCallError';
import { PRELOAD_GLOBAL, type PreloadBridge, type WireEvent } from '../../../main/common/wire';

function fakeBridge() {
  let emit: (m: WireEvent) => void = () => {};
  const calls: [string, unknown][] = [];
  const bridge: PreloadBridge = {
    async call(method, request) {
      calls.push([method, request]);
      if (method === 'experiments.get') return { ok: false, error: { code: 'not-found', message: 'no experiment 9' } };
      if (method === 'runs.start') return { ok: false, error: { code: 'bad-request', message: 'bad', issues: [{ path: ['config', 'hyper', 'epochs'], message: 'epochs must be at least 1' }] } };
      return { ok: true, result: [] };
    },
    onEvent(listener) {
      emit = listener;
      return () => { emit = () => {}; };
    },
  };
  return { bridge, calls, emit: (m: WireEvent) => emit(m) };
}

describe('renderer api client', () => {
  it('uses the preload bridge when present and unwraps results', async () => {
    const f = fakeBridge();
    const client = createApiClient({ [PRELOAD_GLOBAL]: f.bridge } as unknown as Window);
    expect(client.transport).toBe('ipc');
    expect(client.connectionState()).toBe('connected');
    await expect(client.call('experiments.list', {})).resolves.toEqual([]);
    expect(f.calls).toEqual([['experiments.list', {}]]);
  });

  it('rejects with ApiCallError carrying code and issues', async () => {
    const client = createApiClient({ [PRELOAD_GLOBAL]: fakeBridge().bridge } as unknown as Window);
    const err = await client.call('runs.start', { experimentId: 1, config: { family: 'classifier' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err).toMatchObject({ code: 'bad-request', issues: [{ path: ['config', 'hyper', 'epochs'], message: 'epochs must be at least 1' }] });
    await expect(client.call('experiments.get', { id: 9 })).rejects.toMatchObject({ code: 'not-found', issues: [] });
  });

  it('delivers events to listeners until they unsubscribe', () => {
    const f = fakeBridge();
    const client = createApiClient({ [PRELOAD_GLOBAL]: f.bridge } as unknown as Window);
    const got: number[] = [];
    const off = client.on('runs.onDidProgress', (p) => got.push(p.runId));
    f.emit({ event: 'runs.onDidProgress', payload: { runId: 7, progress: { epoch: 1, epochs: 2, step: 3, totalSteps: 10, etaMs: null } } });
    off();
    f.emit({ event: 'runs.onDidProgress', payload: { runId: 8, progress: { epoch: 1, epochs: 2, step: 3, totalSteps: 10, etaMs: null } } });
    expect(got).toEqual([7]);
  });

  it('without a bridge and without a token it is unauthorized and opens no socket', async () => {
    const win = {
      location: { href: 'http://127.0.0.1:4000/#/', host: '127.0.0.1:4000', protocol: 'http:' },
      history: { state: null, replaceState: () => {} },
      sessionStorage: { getItem: () => null, setItem: () => {}, removeItem: () => {} },
    } as unknown as Window;
    const client = createApiClient(win);
    expect(client.transport).toBe('http');
    expect(client.connectionState()).toBe('unauthorized');
    await expect(client.call('system.info', {})).rejects.toMatchObject({ code: 'unauthorized' });
    client.dispose();
  });
});
