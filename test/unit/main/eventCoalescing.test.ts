/** The keys a slow WebSocket client's events are kept under (latest value per event, run and key). */
import { describe, expect, it } from 'vitest';
import { keyedParts } from '../../../main/server/eventCoalescing';

describe('keyedParts', () => {
  it('splits a metrics batch into the last point of each key', () => {
    const parts = keyedParts({ event: 'runs.onDidLogMetrics', payload: { runId: 4, points: [
      { key: 'loss', step: 1, value: 0.9, wallTime: 10 }, { key: 'loss', step: 2, value: 0.8, wallTime: 11 }, { key: 'val_loss', step: 2, value: 0.85, wallTime: 11 },
    ] } });
    expect(parts).toEqual([
      { key: 'runs.onDidLogMetrics|4|loss', message: { event: 'runs.onDidLogMetrics', payload: { runId: 4, points: [{ key: 'loss', step: 2, value: 0.8, wallTime: 11 }] } } },
      { key: 'runs.onDidLogMetrics|4|val_loss', message: { event: 'runs.onDidLogMetrics', payload: { runId: 4, points: [{ key: 'val_loss', step: 2, value: 0.85, wallTime: 11 }] } } },
    ]);
  });

  it('keys other events by the run (and artifact kind) or the import they are about', () => {
    expect(keyedParts({ event: 'runs.onDidProgress', payload: { runId: 7, progress: { epoch: 1, epochs: 2, step: 5, totalSteps: 10, etaMs: null } } })[0]!.key).toBe('runs.onDidProgress|7');
    expect(keyedParts({ event: 'runs.onDidDelete', payload: { id: 3 } })[0]!.key).toBe('runs.onDidDelete|3');
    expect(keyedParts({ event: 'runs.onDidLog', payload: { id: 9, runId: 2, time: 1, level: 'info', message: 'm' } })[0]!.key).toBe('runs.onDidLog|2');
    expect(keyedParts({ event: 'datasets.onDidImportProgress', payload: { target: 'dataset', name: 'digits', stage: 'read', done: 1, total: 2, unit: 'files', detail: '' } })[0]!.key).toBe('datasets.onDidImportProgress|dataset|digits');
  });
});
