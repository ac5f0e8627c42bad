/**
 * The sequence family end to end in Chromium against `serve` (real services,
 * SQLite, the sequence worker): import a small text corpus on the Datasets
 * page (after a refused file that is not UTF-8), train a char-LSTM on it from
 * the new-run form with an HTML-looking seed text, and see the generated text
 * shown as text (no element injected), the gradient through time, the loss
 * chart and the bits-per-character headline; then a seq2seq-with-attention
 * run on the reverse task and its attention heat-map, example choice and
 * prediction. Training is kept to seconds; no wall-clock asserts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { screenshotPath } from '../helpers/screenshots';
import { tempDir } from '../helpers/tempDir';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();
const sources = tempDir('latent-e2e-corpus-');
afterAll(() => fs.rmSync(sources, { recursive: true, force: true }));

const SCRIPT = '<script>alert(1)</script>';
const HTML_LINE = `${SCRIPT}<b>bold</b>`;
/** A refused import's failed request is logged by Chromium as a console error: expected, the rest is not. */
const unexpected = (): string[] => ui.problems.filter((p) => !p.includes('the server responded with a status of 400'));

/** ~3 KB of repetitive text with the HTML-looking line in it (so every character of the seed text is in the vocabulary). */
function writeCorpus(file: string): void {
  const verse = ['the quick brown fox jumps over the lazy dog.', 'a stitch in time saves nine, said the tailor.', 'rain in spain falls mainly on the plain (1).'];
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    lines.push(verse[i % verse.length] ?? '');
    if (i % 8 === 3) lines.push(HTML_LINE);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`, 'utf8');
}

/** Pixels of the chart's canvas that are not fully transparent: > 0 once ECharts has drawn. */
async function inkedPixels(chart: Locator): Promise<number> {
  return chart.locator('canvas').first().evaluate((c) => {
    if (!(c instanceof HTMLCanvasElement) || c.width === 0 || c.height === 0) return 0;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    if (data) for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
    return n;
  });
}

const points = async (testId: string): Promise<number> => Number(await ui.page.getByTestId(testId).getAttribute('data-points'));

async function newRunForm(experiment: string): Promise<void> {
  const { page } = ui;
  await page.getByRole('link', { name: 'Experiments' }).first().click();
  await page.getByTestId('new-experiment-name').fill(experiment);
  await page.getByTestId('create-experiment').click();
  await page.getByTestId('experiment-link').filter({ hasText: experiment }).click();
  await page.getByTestId('new-run-button').click();
  await page.getByTestId('field-family').selectOption('sequence');
}

describe('sequence runs from the UI', () => {
  it('imports a text corpus (refusing one that is not UTF-8) on the Datasets page', async () => {
    const { page } = ui;
    const bad = path.join(sources, 'latin1.txt');
    // "hello\nwor" then 0xC3 0x28: a lead byte followed by "(" is not a UTF-8 character.
    fs.writeFileSync(bad, Buffer.concat([Buffer.from('hello\nwor', 'utf8'), Buffer.from([0xc3, 0x28]), Buffer.from('ld\n', 'utf8')]));
    const good = path.join(sources, 'tiny.txt');
    writeCorpus(good);

    await page.goto(ui.serve.url);
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('corpus-row-kjv-genesis').waitFor();
    const rows = page.locator('[data-testid^="corpus-row-"]');
    expect(await rows.count()).toBe(1);

    await page.getByTestId('corpus-import-name').fill('Broken text');
    await page.getByTestId('corpus-import-path').fill(bad);
    await page.getByTestId('corpus-import-submit').click();
    await expect.poll(async () => page.getByTestId('corpus-import-error').textContent())
      .toContain('The file is not valid UTF-8 text: the bytes at offset 9 (line 2, starting 0xc3) are not a UTF-8 character.');
    expect(await rows.count()).toBe(1);
    expect(await page.getByTestId('corpus-row-broken-text').count()).toBe(0);

    await page.getByTestId('corpus-import-name').fill('Tiny script');
    await page.getByTestId('corpus-import-path').fill(good);
    await page.getByTestId('corpus-import-submit').click();
    const row = page.getByTestId('corpus-row-tiny-script');
    await row.waitFor();
    expect(await page.getByTestId('corpus-import-error').count()).toBe(0);
    expect(await rows.count()).toBe(2);
    const text = fs.readFileSync(good, 'utf8');
    expect(await row.textContent()).toContain(text.length.toLocaleString('en'));
    // 60 verse lines and 8 HTML ones; its 36 distinct characters (newline included) and the 4 reserved tokens.
    expect(await row.locator('td').nth(2).textContent()).toBe('68');
    expect(await row.locator('td').nth(3).textContent()).toBe('40');
    await page.getByTestId('corpora-panel').screenshot({ path: screenshotPath('screenshot-corpora.png') });
    expect(unexpected()).toEqual([]);
  });

  it('trains a char-LSTM on it and shows the text as text, the gradient through time, the loss and bits/char', async () => {
    const { page } = ui;
    await newRunForm('Char models');
    await page.getByTestId('field-source').selectOption('text');
    await page.getByTestId('field-corpus').selectOption('tiny-script');
    await page.getByTestId('field-template').selectOption('rnn-lm');
    await page.getByTestId('field-cell').selectOption('lstm');
    await page.getByTestId('field-units').fill('32');
    await page.getByTestId('field-sequenceLength').fill('32');
    await page.getByTestId('field-epochs').fill('2');
    await page.getByTestId('field-batchSize').fill('8');
    await page.getByTestId('field-sampleEverySteps').fill('4');
    await page.getByTestId('field-seedText').fill(SCRIPT);
    await page.getByTestId('field-sampleLength').fill('40');
    await page.getByTestId('field-name').fill('char-lstm-e2e');
    expect(await page.getByTestId('start-run').isDisabled()).toBe(false);
    await page.getByTestId('start-run').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 180_000 }).toContain('done');
    expect(await page.getByTestId('run-error').count()).toBe(0);

    // Generated text, the latest logged step first; the prompt is the seed text, shown literally.
    const textPanel = page.getByTestId('sequence-text-panel');
    await textPanel.waitFor();
    await expect.poll(() => page.getByTestId('sequence-text-sample').count()).toBeGreaterThan(0);
    const prompt = page.getByTestId('sequence-text-sample').first().locator('.sequence-text-prompt');
    expect(await prompt.textContent()).toBe(SCRIPT);
    expect(await prompt.isVisible()).toBe(true);
    expect(await page.locator('script:has-text("alert(1)")').count()).toBe(0);
    expect(await textPanel.locator('script, b').count()).toBe(0);
    // Samples at every 4th step and at each epoch end: the last is the run's final step, one loss point per step.
    const lastStep = Number(await page.getByTestId('sequence-text-step').getAttribute('data-step'));
    expect(lastStep).toBeGreaterThan(4);
    expect(Number(await textPanel.getAttribute('data-steps'))).toBeGreaterThanOrEqual(3);
    await expect.poll(() => points('loss-chart')).toBe(lastStep);
    // Two epochs, each with training and validation bits per character.
    await expect.poll(() => points('sequence-bits-chart')).toBe(4);

    // Gradient through time: one LSTM layer over T = 32 steps, drawn, and read out.
    const gtt = page.getByTestId('sequence-gtt-panel');
    await gtt.scrollIntoViewIfNeeded();
    const gttChart = page.getByTestId('sequence-gtt-chart');
    expect(await gttChart.getAttribute('data-layers')).toBe('1');
    expect(await gttChart.getAttribute('data-length')).toBe('32');
    await expect.poll(() => inkedPixels(gttChart)).toBeGreaterThan(0);
    const reading = page.getByTestId('sequence-gtt-reading');
    expect(await reading.textContent()).toContain('‖∂L/∂h₁‖ / ‖∂L/∂h_T‖');
    expect(Number(await reading.getAttribute('data-ratio'))).toBeGreaterThan(0);
    expect(await reading.getAttribute('data-verdict')).not.toBe('');

    // The headline: validation bits per character, below a uniform guess over the 40-token vocabulary (log2 40 = 5.32).
    const bits = page.locator('.run-latest-item[data-metric="val_bits_per_char"] .run-latest-value');
    const bitsPerChar = Number(await bits.textContent());
    expect(bitsPerChar).toBeGreaterThan(0);
    expect(bitsPerChar).toBeLessThan(Math.log2(40));
    // What it trained on is the corpus, not the config's unused default dataset.
    expect(await page.getByTestId('run-dataset').textContent()).toBe("the text corpus 'tiny-script' (char level)");
    await page.screenshot({ path: screenshotPath('screenshot-sequence-lm.png'), fullPage: true });
    await textPanel.screenshot({ path: screenshotPath('screenshot-sequence-text.png') });

    await page.locator('.breadcrumb').getByRole('link', { name: 'Char models' }).click();
    const runRow = page.getByTestId('run-row').filter({ hasText: 'char-lstm-e2e' });
    await expect.poll(async () => runRow.getByTestId('run-best-metric').textContent()).toContain('bits/char');
    expect(unexpected()).toEqual([]);
  });

  it('trains seq2seq with attention on the reverse task and shows its attention maps', async () => {
    const { page } = ui;
    await newRunForm('Reversal');
    await page.getByTestId('field-source').selectOption('task');
    await page.getByTestId('field-task').selectOption('reverse');
    await page.getByTestId('field-taskLength').fill('6');
    expect(await page.getByTestId('field-template').inputValue()).toBe('seq2seq-attention');
    await page.getByTestId('field-trainExamples').fill('400');
    await page.getByTestId('field-validationExamples').fill('40');
    await page.getByTestId('field-testExamples').fill('40');
    await page.getByTestId('field-units').fill('32');
    await page.getByTestId('field-epochs').fill('2');
    await page.getByTestId('field-batchSize').fill('32');
    await page.getByTestId('field-sampleEverySteps').fill('5');
    await page.getByTestId('field-name').fill('reverse-e2e');
    expect(await page.getByTestId('start-run').isDisabled()).toBe(false);
    await page.getByTestId('start-run').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 180_000 }).toContain('done');
    expect(await page.getByTestId('run-error').count()).toBe(0);
    expect(await page.getByTestId('run-dataset').textContent()).toBe('the synthetic reverse task');
    // 400 examples in batches of 32 = 13 steps an epoch (the last one short), two epochs.
    await expect.poll(() => points('loss-chart')).toBe(26);

    const panel = page.getByTestId('sequence-attention-panel');
    await panel.scrollIntoViewIfNeeded();
    // Samples at steps 5, 10, 13 (epoch end), 15, 20, 25, 26 (epoch end): the latest is shown.
    expect(await page.getByTestId('sequence-attention-step').getAttribute('data-step')).toBe('26');
    const example = page.getByTestId('sequence-attention-example');
    const options = await example.locator('option').count();
    expect(options).toBeGreaterThan(1);
    const chart = page.getByTestId('sequence-attention-chart');
    // Keys: the 6 source letters; queries: the decoder's inputs under teacher forcing, <bos> and the 6 target letters.
    expect(await chart.getAttribute('data-cols')).toBe('6');
    expect(await chart.getAttribute('data-rows')).toBe('7');
    await expect.poll(() => inkedPixels(chart)).toBeGreaterThan(0);
    const predicted = page.getByTestId('sequence-attention-predicted');
    expect((await predicted.textContent())?.trim().length).toBeGreaterThan(0);

    // Choosing another example changes the source shown, and the map redraws for it.
    const sourceText = async (): Promise<string> => (await panel.locator('.sequence-attention-text').first().textContent()) ?? '';
    const firstSource = await sourceText();
    expect(firstSource.trim()).toMatch(/^[a-z]{6}$/);
    await example.selectOption('1');
    await expect.poll(sourceText).not.toBe(firstSource);
    expect((await sourceText()).trim()).toMatch(/^[a-z]{6}$/);
    await expect.poll(() => inkedPixels(chart)).toBeGreaterThan(0);
    await panel.screenshot({ path: screenshotPath('screenshot-sequence-attention.png') });
    expect(unexpected()).toEqual([]);
  });

  it('launches the ready parity experiment from the Experiments page: a new experiment opens with its runs grouped by cell and length', async () => {
    const { page } = ui;
    await page.goto(ui.serve.url);
    await page.getByRole('link', { name: 'Experiments' }).first().click();
    const preset = page.getByTestId('preset-parity-cells');
    await preset.waitFor();
    expect(await preset.textContent()).toContain('24 runs');
    await page.getByTestId('preset-launch-parity-cells').click();
    await expect.poll(async () => page.getByTestId('experiment-name').textContent()).toBe('Parity: which cells solve which lengths');
    expect(page.url()).toMatch(/\/experiments\/\d+\?view=\d+$/);
    // The view "Cells × lengths": forget bias 1 only (18 runs), grouped by cell then length, test accuracy per group.
    await expect.poll(async () => page.getByTestId('runs-group-by').inputValue()).toBe('params.cell');
    expect(await page.getByTestId('runs-group-by-2').inputValue()).toBe('params.length');
    // The launch creates its runs one by one, and the list refreshes as they arrive: poll until all three cells are there.
    const firstLevel = page.locator('[data-testid="run-group-row"][data-column="params.cell"]');
    const cellsShown = async (): Promise<Array<string | undefined>> =>
      (await firstLevel.allTextContents()).map((t) => t.match(/(simpleRnn|lstm|gru)/)?.[1]).sort();
    await expect.poll(cellsShown, { timeout: 60_000 }).toEqual(['gru', 'lstm', 'simpleRnn']);
    await expect.poll(async () => firstLevel.first().getAttribute('data-count'), { timeout: 60_000 }).toBe('6');
    await page.locator('.runs-panel').screenshot({ path: screenshotPath('screenshot-parity-preset.png') });
    // Compared, the view's settings come along: curves grouped by cell, the scatter of length against test accuracy.
    await page.getByTestId('run-select-all').check();
    await page.getByTestId('compare-button').click();
    await page.getByTestId('compare-scatter-x').waitFor();
    const query = new URLSearchParams(page.url().split('?')[1] ?? '');
    expect([query.get('group'), query.get('sx'), query.get('sy'), query.get('runs')?.split(',').length]).toEqual(['param:cell', 'params.length', 'metrics.test_accuracy.best', 18]);
    expect(await page.getByTestId('compare-scatter-x').inputValue()).toBe('params.length');
    expect(unexpected()).toEqual([]);
  });
});
