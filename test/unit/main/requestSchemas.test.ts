import { formatIssue } from '../../../workers/common/runConfigBase';
import { describe, expect, it } from 'vitest';
import { ApiError, parseRequest, quotedChoices } from '../../../main/common/api';
import { descriptorOf, families, storedArtifactKinds } from '../../../workers/common/families/registry';
import { dispatch } from '../../../main/services/dispatch';
import type { ApiHandlers } from '../../../main/common/api';

describe('request schemas at the API boundary', () => {
  it('accepts a valid classifier run and fills the defaults', () => {
    const req = parseRequest('runs.start', { experimentId: 1, config: { family: 'classifier' } });
    if (req.config.family !== 'classifier') throw new Error('parsed as another family');
    expect(req.config.hyper.learningRate).toBe(0.001);
    expect(req.config.architecture).toEqual({ template: 'mlp' });
    expect(req.config.dataset.id).toBe('mnist');
  });

  it.each([
    [{ learningRate: 0 }, 'hyper.learningRate: learningRate must be greater than 0'],
    [{ learningRate: -1 }, 'hyper.learningRate: learningRate must be greater than 0'],
    [{ learningRate: 'fast' }, 'hyper.learningRate: learningRate must be a number'],
    [{ epochs: 0 }, 'hyper.epochs: epochs must be at least 1'],
    [{ batchSize: 2.5 }, 'hyper.batchSize: batchSize must be a whole number'],
    [{ optimizer: 'lbfgs' }, 'hyper.optimizer'],
    [{ validationSplit: 0.9 }, 'hyper.validationSplit: validationSplit must be at most 0.5'],
  ])('rejects bad hyperparameter %j with a clear message', (hyper, message) => {
    try {
      parseRequest('runs.start', { experimentId: 1, config: { family: 'classifier', hyper } });
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).code).toBe('bad-request');
      expect((e as ApiError).issues?.map(formatIssue).join('\n')).toContain(message);
    }
  });

  it('rejects unknown fields, unknown families and a missing id', () => {
    expect(() => parseRequest('runs.start', { experimentId: 1, config: { family: 'classifier', extra: 1 } })).toThrow(ApiError);
    expect(() => parseRequest('runs.start', { experimentId: 1, config: { family: 'quantum' } })).toThrow(ApiError);
    expect(() => parseRequest('runs.get', {})).toThrow(/id/);
    expect(() => parseRequest('experiments.create', { name: '   ' })).toThrow(/name must not be empty/);
  });

  it('validates runs.update: a trimmed name of 1–200 characters, notes up to 20,000, booleans, at least one field', () => {
    expect(parseRequest('runs.update', { id: 3, name: '  lr 1e-3  ' })).toEqual({ id: 3, name: 'lr 1e-3' });
    expect(parseRequest('runs.update', { id: 3, notes: '  kept as written\n', starred: true, archived: false }))
      .toEqual({ id: 3, notes: '  kept as written\n', starred: true, archived: false });
    expect(parseRequest('runs.update', { id: 3, notes: '' })).toEqual({ id: 3, notes: '' });
    expect(parseRequest('runs.update', { id: 3, notes: 'x'.repeat(20_000) }).notes).toHaveLength(20_000);
    const issues = (req: unknown): string[] => {
      try {
        parseRequest('runs.update', req);
      } catch (e) {
        if (e instanceof ApiError) return (e.issues ?? []).map(formatIssue);
      }
      return [];
    };
    expect(issues({ id: 3, name: '   ' })).toEqual(['name: name must not be empty']);
    expect(issues({ id: 3, name: 'n'.repeat(201) })).toEqual(['name: name must be at most 200 characters']);
    expect(issues({ id: 3, notes: 'x'.repeat(20_001) })).toEqual(['notes: notes must be at most 20,000 characters']);
    expect(issues({ id: 3, starred: 'yes' })).toEqual(['starred: starred must be true or false']);
    expect(issues({ id: 3 })).toEqual(['give at least one of name, notes, starred, archived']);
    expect(issues({ id: 3, pinned: true })).toContain('Unrecognized key: "pinned"');
    expect(issues({ name: 'x' })).toHaveLength(1);
  });

  it('validates runs.delete and runs.list\'s includeArchived', () => {
    expect(parseRequest('runs.delete', { id: 2 })).toEqual({ id: 2 });
    expect(() => parseRequest('runs.delete', { id: 2, force: true })).toThrow(ApiError);
    expect(() => parseRequest('runs.delete', {})).toThrow(/id/);
    expect(parseRequest('runs.list', { includeArchived: true })).toEqual({ includeArchived: true });
    expect(() => parseRequest('runs.list', { includeArchived: 'yes' })).toThrow(/includeArchived must be true or false/);
  });

  it('validates dataset imports: defaults, kinds, the test fraction, and no extra fields', () => {
    expect(parseRequest('datasets.import', { name: ' Fashion ', kind: 'idx', path: '/usr/share/datasets/fashion-mnist' }))
      .toEqual({ name: 'Fashion', kind: 'idx', path: '/usr/share/datasets/fashion-mnist', testFraction: 0.2, seed: 42 });
    const issues = (raw: unknown): string => {
      try {
        parseRequest('datasets.import', raw);
      } catch (e) {
        return (e as ApiError).issues?.map(formatIssue).join('\n') ?? '';
      }
      return '';
    };
    expect(issues({ name: 'x', kind: 'zip', path: '/a' })).toContain("kind must be 'idx' (four IDX files) or 'image-folder'");
    expect(issues({ name: '', kind: 'idx', path: '/a' })).toContain('name: name must not be empty');
    expect(issues({ name: 'x', kind: 'idx', path: '  ' })).toContain('path: path must name a folder on this machine');
    expect(issues({ name: 'x', kind: 'image-folder', path: '/a', testFraction: 0 })).toContain('testFraction: testFraction must be greater than 0');
    expect(issues({ name: 'x', kind: 'image-folder', path: '/a', testFraction: 1 })).toContain('testFraction: testFraction must be less than 1');
    expect(issues({ name: 'x', kind: 'image-folder', path: '/a', seed: 1.5 })).toContain('seed: seed must be a whole number');
    expect(issues({ name: 'x', kind: 'idx', path: '/a', extra: 1 })).not.toBe('');
    expect(() => parseRequest('datasets.remove', {})).toThrow(ApiError);
    expect(parseRequest('system.pickFolder', {})).toEqual({});
  });

  it('checks artifacts.list\'s kind against the artifact catalogue: every family\'s kinds, the analyses\' and checkpoints', () => {
    for (const kind of ['samples', 'reconstructions', 'toy-scatter', 'class-histogram', 'arithmetic', 'neighbours', 'confusion-matrix', 'misclassified', 'feature-maps', 'checkpoint']) {
      expect(parseRequest('artifacts.list', { runId: 1, kind })).toEqual({ runId: 1, kind });
    }
    expect(parseRequest('artifacts.list', { runId: 1 })).toEqual({ runId: 1 });
    for (const f of families) for (const a of descriptorOf(f).artifacts) expect(storedArtifactKinds).toContain(a.kind);
    try {
      parseRequest('artifacts.list', { runId: 1, kind: 'sample' });
      expect.unreachable('should have thrown');
    } catch (e) {
      expect((e as ApiError).issues).toEqual([{ path: ['kind'], message: `kind must be an artifact kind: ${quotedChoices(storedArtifactKinds)}` }]);
      expect((e as ApiError).message).toMatch(/kind: kind must be an artifact kind: 'confusion-matrix', .* or 'checkpoint'$/);
    }
  });

  it('lists choices as a sentence', () => {
    expect(quotedChoices(['a'])).toBe("'a'");
    expect(quotedChoices(['a', 'b'])).toBe("'a' or 'b'");
    expect(quotedChoices(['a', 'b', 'c'])).toBe("'a', 'b' or 'c'");
  });

  it('dispatch turns every failure into an error payload instead of throwing', async () => {
    const handlers = {
      'experiments.list': () => { throw new Error('disk on fire'); },
    } as unknown as ApiHandlers;
    await expect(dispatch(handlers, 'nope.nothing', {})).resolves.toMatchObject({ ok: false, error: { code: 'not-found' } });
    await expect(dispatch(handlers, 'runs.get', { id: 'x' })).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    await expect(dispatch(handlers, 'experiments.list', {})).resolves.toEqual({ ok: false, error: { code: 'internal', message: 'disk on fire' } });
  });
});
