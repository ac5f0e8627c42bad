/**
 * Saved views and markdown notes in Chromium against serve: two tiny
 * classifier runs (MNIST, 200 training and 100 test images, one epoch) with
 * different learning rates. On the experiment page a view saved with a
 * filter (and saved again under its name, after the replace question) brings
 * the filter and its rows back once the filter is changed; a view's Compare
 * carries the view, whose compare settings the compare page saves and the
 * next Compare from it opens with; the views are still listed after a reload,
 * and are deleted. On the run page, notes with **bold** and a
 * list render as <strong> and <li>, previewed live in the dialog, and a
 * <script> in them is shown as text and never runs.
 */
import { describe, expect, it } from 'vitest';
import type { Experiment, RunDetail, RunSummary, SavedView } from '../../main/common/domain';
import { mlpConfig } from '../helpers/configs';
import { screenshotPath } from '../helpers/screenshots';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

async function startRun(experimentId: number, name: string, learningRate: number): Promise<RunSummary> {
  const config = { ...mlpConfig({ seed: 5, epochs: 1, batchSize: 32, learningRate }, { trainSize: 200, testSize: 100 }), name };
  return ui.api<RunSummary>('runs.start', { experimentId, config });
}

describe('saved views and notes', () => {
  it('saves a filtered view, restores it after the filter changes and a reload, and deletes it; notes render as safe markdown', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'Views' });
    const fast = await startRun(experiment.id, 'fast', 0.01);
    const slow = await startRun(experiment.id, 'slow', 0.001);
    await ui.waitForDone([fast, slow]);

    await ui.openRoute(`/#/experiments/${experiment.id}`);
    const rows = page.getByTestId('run-row');
    const rowIds = async (): Promise<number[]> => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')))).map(Number);
    await expect.poll(rowIds).toEqual([slow.id, fast.id]);
    await page.getByTestId('saved-views-empty').waitFor();

    // Filter, then save the view under a name.
    const filter = 'params.learningRate < 0.005';
    const filterBox = page.getByTestId('runs-filter');
    await filterBox.fill(filter);
    await filterBox.press('Enter');
    await expect.poll(rowIds).toEqual([slow.id]);
    await page.getByTestId('saved-view-save-open').click();
    await page.getByTestId('saved-view-name').fill('slow lr');
    await page.getByTestId('saved-view-save').click();
    const saved = page.locator('[data-testid="saved-view"][data-name="slow lr"]');
    await saved.waitFor();

    // Saving again under the same name asks first, then replaces (still one view).
    await page.getByTestId('saved-view-save-open').click();
    expect(await page.getByTestId('saved-view-name').inputValue()).toBe('slow lr');
    await page.getByTestId('saved-view-save').click();
    await page.getByTestId('saved-view-replace').click();
    await expect.poll(() => page.getByTestId('saved-view-name').count()).toBe(0);
    const stored = await ui.api<SavedView[]>('views.list', { experimentId: experiment.id });
    expect(stored.map((v) => [v.name, v.state.filter])).toEqual([['slow lr', filter]]);
    expect(stored[0]?.state.table.columns.length).toBeGreaterThan(0);

    // Change the filter; applying the view brings back its filter and its rows.
    await filterBox.fill('');
    await filterBox.press('Enter');
    await expect.poll(rowIds).toEqual([slow.id, fast.id]);
    await saved.getByTestId('saved-view-apply').click();
    await expect.poll(rowIds).toEqual([slow.id]);
    expect(await page.getByTestId('runs-filter').inputValue()).toBe(filter);
    await page.screenshot({ path: screenshotPath('screenshot-saved-views.png'), fullPage: true });

    // A view of every run: Compare from it carries the view; the compare page saves its smoothing into it, and the next Compare from the view opens with it.
    await filterBox.fill('');
    await filterBox.press('Enter');
    await expect.poll(rowIds).toEqual([slow.id, fast.id]);
    await page.getByTestId('saved-view-save-open').click();
    await page.getByTestId('saved-view-name').fill('every run');
    await page.getByTestId('saved-view-save').click();
    const every = page.locator('[data-testid="saved-view"][data-name="every run"]');
    await every.waitFor();
    const everyId = Number(await every.getAttribute('data-view-id'));
    await every.getByTestId('saved-view-apply').click();
    await page.getByTestId('run-select-all').check();
    await page.getByTestId('compare-button').click();
    await expect.poll(() => new URL(page.url().replace('/#/', '/')).searchParams.get('view')).toBe(String(everyId));
    await page.getByTestId('compare-smoothing').evaluate((el) => {
      if (!(el instanceof HTMLInputElement)) throw new Error('not an input');
      el.value = '0.6';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await expect.poll(() => new URL(page.url().replace('/#/', '/')).searchParams.get('smooth')).toBe('0.6');
    await page.getByTestId('compare-save-view').click();
    await page.getByTestId('compare-saved-to-view').waitFor();
    const everyStored = (await ui.api<SavedView[]>('views.list', { experimentId: experiment.id })).find((v) => v.id === everyId);
    expect(everyStored?.state).toMatchObject({ filter: '', compare: { smooth: '0.6' } });
    await page.goto(new URL(`/#/experiments/${experiment.id}`, ui.serve.origin).href);
    await every.getByTestId('saved-view-apply').click();
    await page.getByTestId('run-select-all').check();
    await page.getByTestId('compare-button').click();
    await expect.poll(() => new URL(page.url().replace('/#/', '/')).searchParams.get('smooth')).toBe('0.6');
    expect(await page.getByTestId('compare-smoothing').inputValue()).toBe('0.6');

    // A reload lists the views still; deleting them removes them here and on the server.
    await page.goto(new URL(`/#/experiments/${experiment.id}`, ui.serve.origin).href);
    await page.reload();
    await saved.waitFor();
    await saved.getByTestId('saved-view-delete').click();
    await every.getByTestId('saved-view-delete').click();
    await page.getByTestId('saved-views-empty').waitFor();
    expect(await ui.api<SavedView[]>('views.list', { experimentId: experiment.id })).toEqual([]);

    // Notes on the run page: markdown rendered, previewed while typing, a script kept as text.
    await page.goto(new URL(`/#/runs/${slow.id}`, ui.serve.origin).href);
    await page.getByTestId('run-notes-edit').click();
    const notes = 'Lower lr was **better**\n\n- seed 5\n- one epoch\n\n<script>window.pwned = 1</script>';
    await page.getByTestId('run-notes-input').fill(notes);
    const preview = page.getByTestId('run-notes-preview');
    await expect.poll(() => preview.locator('strong').textContent()).toBe('better');
    await page.getByTestId('run-edit-save').click();
    await expect.poll(() => page.getByTestId('run-edit-dialog').count()).toBe(0);
    const shown = page.getByTestId('run-notes-view');
    await expect.poll(() => shown.locator('strong').textContent()).toBe('better');
    expect(await shown.locator('li').allTextContents()).toEqual(['seed 5', 'one epoch']);
    expect(await shown.locator('script').count()).toBe(0);
    expect(await shown.textContent()).toContain('<script>window.pwned = 1</script>');
    expect(await page.evaluate(() => 'pwned' in window)).toBe(false);
    await page.screenshot({ path: screenshotPath('screenshot-run-notes.png'), fullPage: true });
    expect((await ui.api<RunDetail>('runs.get', { id: slow.id })).notes).toBe(notes);
    expect(ui.problems).toEqual([]);
  });
});
