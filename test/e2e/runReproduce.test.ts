/**
 * Reproducing a run and the architecture difference, in Chromium against
 * serve: a tiny classifier run (MNIST, 200 training and 100 test images, one
 * epoch, seed 21) started through the API is reproduced from its page, which
 * opens the new run with a link back to its origin (and the origin lists
 * it); then two runs whose MLPs differ only in the hidden layer's width
 * (the template's 128 units and an inline copy with 64) are compared, and
 * the compare view lists that layer as changed, units 128 → 64.
 */
import { describe, expect, it } from 'vitest';
import type { Experiment, RunDetail, RunSummary } from '../../main/common/domain';
import { classifierTemplates } from '../../workers/common/families/classifier/templates';
import { mlpConfig } from '../helpers/configs';
import { screenshotPath } from '../helpers/screenshots';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

const tiny = (seed: number) => mlpConfig({ seed, epochs: 1, batchSize: 32 }, { trainSize: 200, testSize: 100 });

describe('reproducing runs and their architecture difference', () => {
  it('reproduces a run from its page and links the two', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'Reproduce' });
    const origin = await ui.api<RunSummary>('runs.start', { experimentId: experiment.id, config: { ...tiny(21), name: 'original' } });
    await ui.waitForDone([origin]);

    await ui.openRoute(`/#/runs/${origin.id}`);
    await expect.poll(async () => page.getByTestId('run-name').textContent()).toBe('original');
    await page.getByTestId('reproduce-run').click();

    // The new run's page: "Reproduction of run N", linking back.
    const originFact = page.getByTestId('run-origin');
    await originFact.waitFor();
    expect(await originFact.textContent()).toContain(`Reproduction of run ${origin.id}`);
    const copyId = Number(/\/runs\/(\d+)/.exec(page.url())?.[1]);
    expect(copyId).toBeGreaterThan(origin.id);
    const copy = await ui.api<RunDetail>('runs.get', { id: copyId });
    expect(copy).toMatchObject({ originRunId: origin.id, seed: 21, name: 'original (reproduction)' });
    expect(copy.config).toEqual((await ui.api<RunDetail>('runs.get', { id: origin.id })).config);
    await ui.waitForDone([{ id: copyId }]);
    await page.screenshot({ path: screenshotPath('screenshot-run-reproduction.png') });

    await originFact.getByRole('link', { name: `run ${origin.id}` }).click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`/runs/${origin.id}$`));
    const reproductions = page.getByTestId('run-reproductions');
    await reproductions.waitFor();
    expect(await reproductions.getByRole('link').allTextContents()).toEqual([`run ${copyId}`]);
  });

  it('lists the changed hidden layer when comparing two runs with different architectures', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'Widths' });
    const narrow = structuredClone(classifierTemplates.mlp);
    narrow.name = 'MLP 784-64-10';
    narrow.nodes.find((n) => n.id === 'hidden')!.params = { units: 64, activation: 'relu' };
    const a = await ui.api<RunSummary>('runs.start', { experimentId: experiment.id, config: { ...tiny(22), name: 'hidden-128' } });
    const b = await ui.api<RunSummary>('runs.start', { experimentId: experiment.id, config: { ...tiny(22), name: 'hidden-64', architecture: { graph: narrow } } });
    await ui.waitForDone([a, b]);

    await ui.openRoute(`/#/compare?runs=${a.id},${b.id}`);
    const diff = page.getByTestId('compare-arch-diff');
    await expect.poll(async () => diff.getAttribute('data-same'), { timeout: 30_000 }).toBe('false');
    const row = page.locator('[data-testid="compare-arch-row"][data-change="changed"]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute('data-layer')).toBe('hidden');
    expect(await row.textContent()).toContain('units 128 → 64');
    const part = page.getByTestId('compare-arch-part');
    expect(await part.textContent()).toContain('101770 → 50890 parameters');
    await diff.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('screenshot-compare-architecture.png') });
  });
});
