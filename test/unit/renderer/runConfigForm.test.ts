import { describe, expect, it } from 'vitest';
import { buildRunConfig, defaultRunForm, mapServerIssues, validateRunForm } from '../../../renderer/lib/runConfigForm';

describe('new-run form model', () => {
  it('starts from the schema defaults and is valid', () => {
    const form = defaultRunForm();
    expect(form).toMatchObject({ dataset: 'mnist', template: 'mlp', epochs: '2', batchSize: '64', optimizer: 'adam', learningRate: '0.001', seed: '42', trainSize: '' });
    const v = validateRunForm(form);
    expect(v.errors).toEqual({});
    expect(v.config?.hyper.learningRate).toBe(0.001);
  });

  it('shows the schema message under the field', () => {
    const form = { ...defaultRunForm(), learningRate: '0', epochs: '', trainSize: '5' };
    const v = validateRunForm(form);
    expect(v.config).toBeNull();
    expect(v.errors.learningRate).toBe('learningRate must be greater than 0');
    expect(v.errors.epochs).toBe('epochs must be a number');
    expect(v.errors.trainSize).toBe('trainSize must be at least 10');
  });

  it('sends momentum only with the momentum optimizer', () => {
    const adam = buildRunConfig({ ...defaultRunForm(), momentum: '5' }) as { hyper: Record<string, unknown> };
    expect(adam.hyper).not.toHaveProperty('momentum');
    const v = validateRunForm({ ...defaultRunForm(), optimizer: 'momentum', momentum: '1' });
    expect(v.errors.momentum).toBe('momentum must be less than 1');
  });

  it('omits empty optional sizes and the empty name', () => {
    const c = buildRunConfig({ ...defaultRunForm(), trainSize: ' ', name: '  ' });
    expect(c['dataset']).toEqual({ id: 'mnist' });
    expect(c).not.toHaveProperty('name');
  });

  it('maps server issues to fields', () => {
    const m = mapServerIssues(['config.hyper.learningRate: too big', 'config.dataset.trainSize: too many', 'experimentId: no such experiment']);
    expect(m.errors).toEqual({ learningRate: 'too big', trainSize: 'too many' });
    expect(m.general).toEqual(['experimentId: no such experiment']);
  });
});
