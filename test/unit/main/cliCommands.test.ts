/** The CLI's runs table (the result column is the family's headline, by the experiment page's rule) and runs delete's question. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices } from '../../../main/services/appServices';
import { runsCommand } from '../../../main/cli/runCommands';
import { CliError } from '../../../main/cli/commands';
import { removeTempDirs, sampleRun, tempDir } from '../db/helpers';
import type { RunSummary } from '../../../main/common/domain';
import { headlineText } from '../../../main/cli/commands';
import { caretLines, listRuns } from '../../../main/cli/runCommands';
import type { AppServices } from '../../../main/services/appServices';
import { runSummary } from '../../helpers/runFixtures';

function summary(id: number, family: RunSummary['family'], latest: Record<string, number>, best: Record<string, number> = {}): RunSummary {
  return runSummary({ id, name: `${family}-${id}`, family, backend: 'cpu', latest, best, tags: id === 1 ? ['baseline', 'lr-sweep'] : [] });
}

function output(runs: RunSummary[]): string {
  let text = '';
  const out = { write: (s: string) => { text += s; return true; } } as unknown as NodeJS.WriteStream;
  listRuns({ runs: { list: () => runs }, datasets: { find: () => undefined } } as unknown as AppServices, { json: false }, out);
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

  it('marks a test number read where validation was best, and only that', () => {
    const chosen = { ...summary(8, 'classifier', { test_accuracy: 0.96 }, { test_accuracy: 0.94 }), chosenBy: { key: 'val_accuracy', step: 2 } };
    expect(headlineText(chosen)).toBe('test acc 94.00 % @val_accuracy');
    // A run without test accuracy falls back to validation accuracy, which is not itself chosen.
    expect(headlineText({ ...chosen, best: { val_accuracy: 0.95 }, latest: {} })).toBe('val acc 95.00 %');
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

describe('runs delete asks first', () => {
  afterEach(removeTempDirs);

  async function withRun(body: (s: AppServices, id: number, dir: string, out: () => string, write: NodeJS.WritableStream) => Promise<void>): Promise<void> {
    const dataDir = tempDir();
    const s = createServices({ dataDir, env: {} });
    try {
      const id = s.store.createRun(sampleRun(s.store.ensureExperiment('Default').id, { name: 'doomed' })).id;
      s.store.setRunStatus(id, 'done', null, 1);
      const dir = path.join(dataDir, 'runs', String(id));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'weights.bin'), 'w');
      let text = '';
      const write = { write: (t: string) => { text += t; return true; } } as unknown as NodeJS.WriteStream;
      await body(s, id, dir, () => text, write);
    } finally {
      await s.close();
    }
  }

  it('keeps the run when the answer is no, naming what would go in the question', async () => {
    await withRun(async (s, id, dir, out, write) => {
      const questions: string[] = [];
      const code = await runsCommand(s, ['delete', String(id)], { json: false, confirm: (q) => { questions.push(q); return Promise.resolve(false); } }, write, 'usage');
      expect(code).toBe(1);
      expect(questions).toHaveLength(1);
      expect(questions[0]).toMatch(new RegExp(`^Delete run ${id} \\(doomed, done\\): its metrics, logs, tags, notes and its folder of checkpoints and galleries\\?`));
      expect(out()).toBe(`Run ${id} is kept\n`);
      expect(fs.existsSync(dir)).toBe(true);
      expect(s.store.getRun(id)).toBeDefined();
    });
  });

  it('deletes the run and its folder when the answer is yes, or with --yes without asking', async () => {
    await withRun(async (s, id, dir, out, write) => {
      expect(await runsCommand(s, ['delete', String(id)], { json: false, confirm: () => Promise.resolve(true) }, write, 'usage')).toBe(0);
      expect(out()).toBe(`Deleted run ${id} (doomed) and its folder ${dir}\n`);
      expect(fs.existsSync(dir)).toBe(false);
      expect(s.store.getRun(id)).toBeUndefined();
    });
    await withRun(async (s, id, dir, out, write) => {
      const never = (): Promise<boolean> => Promise.reject(new Error('--yes must not ask'));
      expect(await runsCommand(s, ['delete', String(id)], { json: true, yes: true, confirm: never }, write, 'usage')).toBe(0);
      expect(JSON.parse(out())).toEqual({ id, folder: dir });
    });
  });

  it('refuses without a terminal, naming --yes, and refuses a missing or bad run id', async () => {
    await withRun(async (s, id, dir, _out, write) => {
      await expect(runsCommand(s, ['delete', String(id)], { json: false, confirm: null }, write, 'usage')).rejects.toThrow(/add --yes to delete run/);
      expect(fs.existsSync(dir)).toBe(true);
      await expect(runsCommand(s, ['delete'], { json: false, yes: true }, write, 'usage')).rejects.toThrow(/runs delete needs a run id/);
      await expect(runsCommand(s, ['delete', 'x'], { json: false, yes: true }, write, 'usage')).rejects.toThrow(CliError);
      await expect(runsCommand(s, ['delete', '4242'], { json: false, yes: true }, write, 'usage')).rejects.toThrow(/Run 4242 does not exist/);
    });
  });
});
