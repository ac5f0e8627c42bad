/** The CLI's runs table: the result column is the family's headline, by the experiment page's rule. */
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../main/common/domain';
import { headlineText } from '../../../main/cli/commands';
import { caretLines, listRuns } from '../../../main/cli/runCommands';
import type { AppServices } from '../../../main/services/appServices';

function summary(id: number, family: RunSummary['family'], latest: Record<string, number>, best: Record<string, number> = {}): RunSummary {
  return {
    id, experimentId: 1, name: `${family}-${id}`, family, status: 'done', error: null, backend: 'cpu', seed: 1, datasetId: 'mnist',
    createdAt: 1, startedAt: 1, endedAt: 2, params: {}, latest, best, progress: null, tags: id === 1 ? ['baseline', 'lr-sweep'] : [], notes: '', starred: false, archived: false,
  };
}

function output(runs: RunSummary[]): string {
  let text = '';
  const out = { write: (s: string) => { text += s; return true; } } as unknown as NodeJS.WriteStream;
  listRuns({ runs: { list: () => runs } } as unknown as AppServices, { json: false }, out);
  return text;
}

describe('the runs table', () => {
  it('shows each family\'s headline, its best value over the run when the store keeps one', () => {
    expect(headlineText(summary(1, 'classifier', { test_accuracy: 0.95, loss: 0.1 }, { test_accuracy: 0.9712 }))).toBe('test acc 97.12 %');
    expect(headlineText(summary(2, 'classifier', { accuracy: 0.5 }))).toBe('train acc 50.00 %');
    expect(headlineText(summary(3, 'vae', { elbo: -97.09 }))).toBe('ELBO -97.090 nats');
    expect(headlineText(summary(4, 'autoencoder', { test_mse: 12.3456, val_loss: 3 }))).toBe('test MSE 12.346');
    expect(headlineText(summary(5, 'pca', { test_mse: 0.01234 }))).toBe('test MSE 0.0123');
    // The experiment page had no headline for GANs; the descriptor gives one.
    expect(headlineText(summary(6, 'gan', { frechet_distance: 40 }, { frechet_distance: 31.25 }))).toBe('Fréchet dist. 31.250');
    expect(headlineText(summary(7, 'gan', { d_loss: 0.7 }))).toBe('-');
  });

  it('prints one row per run with that result', () => {
    const text = output([summary(1, 'classifier', { test_accuracy: 0.9712 }), summary(2, 'gan', {})]);
    const [head, ...rows] = text.trimEnd().split('\n');
    expect(head).toMatch(/^id\s+family\s+name\s+status\s+backend\s+result\s+tags$/);
    expect(rows[0]).toMatch(/^1\s+classifier\s+classifier-1\s+done\s+cpu\s+test acc 97\.12 %\s+baseline, lr-sweep$/);
    expect(rows[1]).toMatch(/^2\s+gan\s+gan-2\s+done\s+cpu\s+-\s+-$/);
  });
});

describe('the filter error\'s caret line', () => {
  it('underlines the span at fault, in the column it starts at', () => {
    expect(caretLines('family = "gan" and lr < 3', 19, 21)).toBe('  family = "gan" and lr < 3\n                     ^^');
  });

  it('marks the end of the text with one caret when the span is empty there', () => {
    expect(caretLines('seed >', 6, 6, '')).toBe('seed >\n      ^');
  });

  it('keeps the columns when the text holds tabs or line breaks', () => {
    expect(caretLines('a\tb\nc', 4, 5, '')).toBe('a b c\n    ^');
  });
});
