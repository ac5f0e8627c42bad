/**
 * The read-only banner in Chromium, on a really full disk.
 *
 * A data folder with an experiment and a finished run is prepared normally;
 * then serve (dist/) runs on a copy of it on a 4 MiB tmpfs filled to the last
 * byte, inside `unshare -Urm` (test/helpers/fullDiskServe.ts; the recipe of
 * test/integration/readOnlyStart.test.ts). SQLite cannot grow the database's
 * -shm there, so serve opens it read-only and says why. Chromium, outside the
 * namespace, then shows: the banner with that reason on every page, the run
 * made before the disk filled, and — creating an experiment from the form —
 * the server's refusal (409) as the form's message, the page still working and
 * nothing created. Where user namespaces are refused (some CI kernels), the
 * test is skipped and says so, as readOnlyStart does.
 */
import { describe, expect, it } from 'vitest';
import { createServices } from '../../main/services/appServices';
import type { Experiment } from '../../main/common/domain';
import { canMountPrivateTmpfs, startServeOnFullDisk } from '../helpers/fullDiskServe';
import { screenshotPath } from '../helpers/screenshots';
import { uiSession } from '../helpers/uiSession';
import { sampleRun } from '../unit/db/helpers';

const canUnshare = canMountPrivateTmpfs();
if (!canUnshare) console.warn('readOnlyBanner: skipped, this kernel refuses `unshare -Urm` (no unprivileged user namespaces), so no private tmpfs can be filled');

/** Chromium logs every non-2xx answer as a console error; the one refusal this test asks for is expected, anything else is a problem. */
const expectedRefusal = 'Failed to load resource: the server responded with a status of 409 (Conflict)';

/** Before the disk is full: experiment "kept" with run "r1", finished. */
async function prepare(dataDir: string): Promise<void> {
  const s = createServices({ dataDir, watchOtherProcesses: false });
  const run = s.store.createRun(sampleRun(s.experiments.create('kept', '').id, { name: 'r1' }));
  s.store.setRunStatus(run.id, 'done', null);
  await s.close();
}

describe.skipIf(!canUnshare)('the read-only banner on a full disk', () => {
  const ui = uiSession({ LATENT_BACKEND: 'wasm' }, prepare, startServeOnFullDisk);

  it('shows the reason on every page, lists the run kept, and shows a refused write as the form\'s message', async () => {
    const { page } = ui;
    const banner = page.getByTestId('read-only-banner');
    const reason = /^Read-only\. The data folder's disk is full: \/\S+\/data could not be written \(SQLITE_IOERR_SHMSIZE: disk I\/O error; 0 bytes free\)\. The app opened it read-only: runs can be listed and read, nothing can be started or changed\. Free space on that disk and restart\.$/;

    await page.goto(ui.serve.url);
    await banner.waitFor();
    expect((await banner.textContent())?.trim().replace(/\s+/g, ' ')).toMatch(reason);
    expect(await banner.getAttribute('role')).toBe('alert');

    // A write from the UI: the server refuses it (409) with the reason, and the form shows that sentence.
    const before = await ui.api<Experiment[]>('experiments.list', {});
    expect(before.map((e) => e.name)).toEqual(['kept']);
    await page.getByTestId('new-experiment-name').fill('more');
    await page.getByTestId('create-experiment').click();
    const refusal = page.locator('.experiment-create-form .error-box');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^experiments\.create was refused: The data folder's disk is full: \/\S+\/data could not be written/);
    expect(await page.getByTestId('experiment-link').allTextContents()).toEqual(['kept']);
    expect((await ui.api<Experiment[]>('experiments.list', {})).map((e) => e.name)).toEqual(['kept']);
    await page.screenshot({ path: screenshotPath('read-only-banner.png') });

    // The run made before the disk filled is listed, under the same banner.
    await page.getByTestId('experiment-link').filter({ hasText: 'kept' }).click();
    const row = page.getByTestId('run-row');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.first().textContent()).toContain('r1');
    expect(await banner.isVisible()).toBe(true);

    expect(ui.problems.filter((p) => p !== expectedRefusal)).toEqual([]);
    expect(ui.problems.filter((p) => p === expectedRefusal)).toHaveLength(1);
  });
});
