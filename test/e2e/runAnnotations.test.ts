/**
 * Annotating runs in Chromium against serve: two tiny classifier runs (MNIST,
 * 200 training and 100 test images, one epoch) started through the API; then
 * on the experiment page a star that lists a run first, a rename, notes shown
 * as plain text, an archive that hides the run until "show archived", and a
 * delete behind its confirmation that removes the run and its folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Experiment, RunDetail, RunSummary } from '../../main/common/domain';
import { mlpConfig } from '../helpers/configs';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

async function startRun(experimentId: number, name: string, seed: number): Promise<RunSummary> {
  const config = { ...mlpConfig({ seed, epochs: 1, batchSize: 32 }, { trainSize: 200, testSize: 100 }), name };
  return ui.api<RunSummary>('runs.start', { experimentId, config });
}

describe('annotating runs', () => {
  it('stars, renames, notes, archives and deletes runs from the experiment page', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'Annotations' });
    const first = await startRun(experiment.id, 'first', 21);
    const second = await startRun(experiment.id, 'second', 22);
    await ui.waitForDone([first, second]);
    const secondDir = path.join(ui.dataDir, 'runs', String(second.id));
    expect(fs.existsSync(path.join(secondDir, 'checkpoints'))).toBe(true);

    await page.goto(ui.serve.url);
    await page.getByTestId('experiment-link').filter({ hasText: 'Annotations' }).click();
    const rows = page.getByTestId('run-row');
    const rowIds = async (): Promise<number[]> => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')))).map(Number);
    // Newest first until a star says otherwise.
    await expect.poll(rowIds).toEqual([second.id, first.id]);

    const firstRow = page.locator(`[data-testid="run-row"][data-run-id="${first.id}"]`);
    await firstRow.getByTestId('run-star').click();
    await expect.poll(rowIds).toEqual([first.id, second.id]);
    expect(await firstRow.getAttribute('data-starred')).toBe('true');
    expect((await ui.api<RunDetail>('runs.get', { id: first.id })).starred).toBe(true);

    // Rename in its dialog.
    await firstRow.getByTestId('run-rename').click();
    await page.getByTestId('run-rename-input').fill('  best so far  ');
    await page.getByTestId('run-edit-save').click();
    await expect.poll(() => page.getByTestId('run-edit-dialog').count()).toBe(0);
    await expect.poll(async () => firstRow.getByTestId('run-link').textContent()).toBe('best so far');

    // Notes: markdown as written, shown as plain text with its line breaks, never as HTML.
    const notes = 'Lower **lr** next\n<b>not bold</b>';
    await firstRow.getByTestId('run-notes').click();
    await page.getByTestId('run-notes-input').fill(notes);
    await page.getByTestId('run-edit-save').click();
    const shown = firstRow.getByTestId('run-notes-text');
    await expect.poll(async () => shown.textContent()).toBe(notes);
    expect(await shown.locator('b').count()).toBe(0);
    expect(await shown.innerText()).toContain('\n');
    expect((await ui.api<RunDetail>('runs.get', { id: first.id })).notes).toBe(notes);

    // Archived: out of the table until "show archived" lists it again.
    await firstRow.getByTestId('run-archive').click();
    await expect.poll(rowIds).toEqual([second.id]);
    expect((await ui.api<RunSummary[]>('runs.list', { experimentId: experiment.id })).map((r) => r.id)).toEqual([second.id]);
    await page.getByTestId('show-archived').check();
    await expect.poll(rowIds).toEqual([first.id, second.id]);
    expect(await firstRow.getAttribute('data-archived')).toBe('true');
    await page.getByTestId('show-archived').uncheck();
    await expect.poll(rowIds).toEqual([second.id]);

    // Delete the other run: the dialog names what goes; keeping it changes nothing, confirming removes it and its folder.
    const secondRow = page.locator(`[data-testid="run-row"][data-run-id="${second.id}"]`);
    await secondRow.getByTestId('run-delete').click();
    const confirm = page.getByTestId('run-delete-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(`runs/${second.id}/`);
    expect(await confirm.textContent()).toContain('checkpoints');
    await page.getByTestId('run-delete-cancel').click();
    await expect.poll(() => confirm.count()).toBe(0);
    expect(fs.existsSync(secondDir)).toBe(true);
    await secondRow.getByTestId('run-delete').click();
    await page.getByTestId('run-delete-confirm-button').click();
    await expect.poll(() => confirm.count()).toBe(0);
    await expect.poll(rowIds).toEqual([]);
    expect(fs.existsSync(secondDir)).toBe(false);
    expect((await ui.api<RunSummary[]>('runs.list', { experimentId: experiment.id, includeArchived: true })).map((r) => r.id)).toEqual([first.id]);

    // A reload keeps all of it: the archived, starred, renamed run with its notes behind the toggle.
    await page.reload();
    await page.getByTestId('show-archived').check();
    await expect.poll(rowIds).toEqual([first.id]);
    expect(await firstRow.getByTestId('run-link').textContent()).toBe('best so far');
    expect(await firstRow.getByTestId('run-notes-text').textContent()).toBe(notes);
    expect(ui.problems).toEqual([]);
  });
});
