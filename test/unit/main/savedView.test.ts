import { describe, expect, it } from 'vitest';
import { defaultRunsTableState, parseRunColumn, runColumnId, savedViewStateSchema } from '../../../main/common/savedView';

describe('run column ids', () => {
  it('reads attributes, hyperparameters and metric summaries, and writes them back', () => {
    for (const id of ['name', 'duration', 'params.learningRate', 'metrics.val_accuracy.best', 'metrics.pretrain_loss/layer1.min']) {
      const c = parseRunColumn(id);
      expect(c, id).not.toBeNull();
      expect(runColumnId(c!)).toBe(id);
    }
    expect(parseRunColumn('metrics.loss.best')).toEqual({ kind: 'metric', key: 'loss', agg: 'best' });
  });

  it('refuses what names nothing', () => {
    for (const id of ['', 'bogus', 'params.', 'params.1x', 'metrics.loss', 'metrics.loss.mean', 'metrics..max']) {
      expect(parseRunColumn(id), id).toBeNull();
    }
  });

  it('validates a saved view, naming the bad column', () => {
    const ok = { version: 1, filter: '', table: defaultRunsTableState(), compare: { smooth: '0.6' } };
    expect(savedViewStateSchema.safeParse(ok).success).toBe(true);
    const bad = savedViewStateSchema.safeParse({ ...ok, table: { ...ok.table, columns: [{ id: 'metrics.loss.mean', width: null }] } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('metrics.<key>');
  });
});
