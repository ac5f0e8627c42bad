/**
 * Saved views over serve mode's HTTP API with its token, on a real SQLite
 * file: saved per experiment and for the all-runs page, replaced by name,
 * listed by name, deleted; a malformed state is refused naming the field.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApi } from '../helpers/httpApi';
import type { SavedView } from '../../main/common/domain';
import { defaultRunsTableState, type SavedViewState } from '../../main/common/savedView';
import { createServices, type AppServices } from '../../main/services/appServices';
import { startServer, type RunningServer } from '../../main/server/httpServer';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const token = 'views-token-456';
const dataDir = tempDir();
let s: AppServices;
let server: RunningServer;
let exp = 0;
let other = 0;

beforeAll(async () => {
  requireBuilt();
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  server = await startServer({ services: s, token, rendererDir: path.join(repoRoot, 'dist', 'renderer') });
  exp = s.store.createExperiment('views', '').id;
  other = s.store.createExperiment('other', '').id;
});
afterAll(async () => {
  await server.close();
  await s.close();
});

const { ok, refused } = httpApi(() => server.port, token);

function state(filter: string, compare: Record<string, string> = {}): SavedViewState {
  return { version: 1, filter, table: { ...defaultRunsTableState(), sort: { column: 'metrics.loss.min', dir: 'asc' } }, compare };
}

describe('saved views over HTTP', () => {
  it('saves per experiment and for the all-runs page, replaces by name in the same scope, lists by name', async () => {
    const b = await ok<SavedView>('views.save', { experimentId: exp, name: ' lr sweep ', state: state('params.learningRate < 0.01', { smooth: '0.6' }) });
    expect(b).toMatchObject({ experimentId: exp, name: 'lr sweep', state: state('params.learningRate < 0.01', { smooth: '0.6' }) });
    const a = await ok<SavedView>('views.save', { experimentId: exp, name: 'a first', state: state('') });
    const global = await ok<SavedView>('views.save', { experimentId: null, name: 'lr sweep', state: state('status = "done"') });
    await ok<SavedView>('views.save', { experimentId: other, name: 'lr sweep', state: state('') });
    expect(new Set([a.id, b.id, global.id]).size).toBe(3);

    const replaced = await ok<SavedView>('views.save', { experimentId: exp, name: 'lr sweep', state: state('params.learningRate < 0.1') });
    expect(replaced).toMatchObject({ id: b.id, createdAt: b.createdAt, state: { filter: 'params.learningRate < 0.1' } });
    expect(replaced.updatedAt).toBeGreaterThanOrEqual(b.updatedAt);
    const againGlobal = await ok<SavedView>('views.save', { experimentId: null, name: 'lr sweep', state: state('') });
    expect(againGlobal.id).toBe(global.id);

    const listed = await ok<SavedView[]>('views.list', { experimentId: exp });
    expect(listed.map((v) => [v.name, v.state.filter])).toEqual([['a first', ''], ['lr sweep', 'params.learningRate < 0.1']]);
    expect((await ok<SavedView[]>('views.list', { experimentId: null })).map((v) => v.id)).toEqual([global.id]);
    expect(await ok<SavedView[]>('views.list', {})).toHaveLength(4);
  });

  it('refuses a malformed state naming its path, a blank name and an unknown experiment', async () => {
    const badColumn = await refused('views.save', {
      experimentId: exp, name: 'bad', state: { ...state(''), table: { ...defaultRunsTableState(), columns: [{ id: 'metrics.loss.median', width: null }] } },
    });
    expect(badColumn.status).toBe(400);
    expect(badColumn.error.issues?.[0]?.path).toEqual(['state', 'table', 'columns', '0', 'id']);
    expect(badColumn.error.message).toContain('state.table.columns.0.id');
    const badVersion = await refused('views.save', { experimentId: exp, name: 'bad', state: { ...state(''), version: 2 } });
    expect(badVersion.error.message).toContain('state.version');
    const blank = await refused('views.save', { experimentId: exp, name: '   ', state: state('') });
    expect(blank.error.issues).toEqual([{ path: ['name'], message: 'name must not be empty' }]);
    expect((await refused('views.save', { experimentId: 4242, name: 'x', state: state('') })).status).toBe(404);
    expect((await refused('views.list', { experimentId: 4242 })).status).toBe(404);
    expect((await ok<SavedView[]>('views.list', { experimentId: exp })).map((v) => v.name)).not.toContain('bad');
  });

  it('deletes a view and refuses one that is gone', async () => {
    const [first] = await ok<SavedView[]>('views.list', { experimentId: exp });
    if (!first) throw new Error('no view to delete');
    expect(await ok<{ id: number }>('views.delete', { id: first.id })).toEqual({ id: first.id });
    expect((await ok<SavedView[]>('views.list', { experimentId: exp })).map((v) => v.id)).not.toContain(first.id);
    expect((await refused('views.delete', { id: first.id })).status).toBe(404);
  });
});
