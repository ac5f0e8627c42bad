/**
 * The architecture editor in Chromium against `serve`: build a small CNN
 * from the palette by drag and drop and connections, see the shapes appear,
 * make a shape mismatch and read the message on the node, fix it, undo and
 * redo, save, start a run from the saved version, and find that exact
 * version on the run page, read-only in the editor.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { Download, Page } from 'playwright-core';
import { architectureSchema } from '../../workers/common/graph';
import { uiSession } from '../helpers/uiSession';
import { repoRoot } from '../helpers/tempDir';
import { screenshotPath } from '../helpers/screenshots';

const ui = uiSession();
/** Leaving the editor with unsaved edits asks; these tests mean to leave (and keep what was asked). */
const asked: string[] = [];
const leaveAnyway = (page: Page): void => { page.on('dialog', (d) => { asked.push(d.message()); void d.accept(); }); };

async function drop(page: Page, kind: string, title: string | null, x: number, y: number): Promise<void> {
  const item = title === null
    ? page.locator(`[data-testid="palette-item"][data-kind="${kind}"]`).first()
    : page.locator(`[data-testid="palette-item"][data-kind="${kind}"]`, { hasText: title }).first();
  await item.dragTo(page.getByTestId('editor-canvas'), { targetPosition: { x, y } });
}

/** Drag from a node's output handle to a node's input port, as a user connects them. */
async function wire(page: Page, from: string, to: string, port = 0): Promise<void> {
  const a = await page.getByTestId(`port-out-${from}`).boundingBox();
  const b = await page.getByTestId(`port-in-${to}-${port}`).boundingBox();
  if (!a || !b) throw new Error(`cannot see the ports of ${from} → ${to}`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

async function selectNode(page: Page, id: string): Promise<void> {
  await page.locator(`[data-testid="layer-node"][data-node-id="${id}"] [data-testid="layer-node-title"]`).click();
}

async function setParam(page: Page, key: string, value: string): Promise<void> {
  const field = page.getByTestId(`param-${key}`);
  await field.fill(value);
  await field.press('Enter');
}

const nodeError = (page: Page, id: string) => page.locator(`[data-testid="layer-node"][data-node-id="${id}"] [data-testid="node-error"]`);
const nodeShape = (page: Page, id: string) => page.locator(`[data-testid="layer-node"][data-node-id="${id}"] [data-testid="node-shape"]`).textContent();
const edgeLabels = (page: Page) => page.locator('.vue-flow__edge-text').allTextContents();

async function downloaded(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]) as [Download, void];
  const file = await d.path();
  return { name: d.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

describe('architecture editor', () => {
  it('builds a CNN by drag and drop, catches a mismatch, saves, trains it and shows it on the run page', async () => {
    const { page } = ui;
    leaveAnyway(page);
    const experiment = await ui.api<{ id: number }>('experiments.create', { name: 'Drawn networks' });
    await page.goto(ui.serve.url);
    await page.getByTestId('nav-architectures').click();
    await page.getByTestId('new-architecture-template').selectOption('blank');
    await page.getByTestId('new-architecture').click();
    await page.getByTestId('architecture-editor').waitFor();
    expect(await page.getByTestId('layer-node').count()).toBe(0);

    // Five layers from the palette, dropped top to bottom in two columns (data flows down the canvas).
    await drop(page, 'input', null, 150, 60);
    await drop(page, 'conv2d', null, 150, 210);
    await drop(page, 'maxPool2d', null, 150, 360);
    await drop(page, 'flatten', null, 470, 360);
    await drop(page, 'dense', 'Softmax head', 470, 520);
    expect(await page.getByTestId('layer-node').count()).toBe(5);

    await selectNode(page, 'input1');
    await setParam(page, 'shape', '28, 28, 1');
    await selectNode(page, 'conv2d1');
    await setParam(page, 'filters', '8');
    await page.getByTestId('param-activation').selectOption('relu');

    await wire(page, 'input1', 'conv2d1');
    await wire(page, 'conv2d1', 'maxPool2d1');
    // The mistake: a dense layer straight after the pooling.
    await wire(page, 'maxPool2d1', 'dense1');
    await expect.poll(() => nodeShape(page, 'conv2d1')).toBe('28×28×8');
    await expect.poll(() => nodeShape(page, 'maxPool2d1')).toBe('14×14×8');
    await expect.poll(() => edgeLabels(page)).toEqual(expect.arrayContaining(['28×28×1', '28×28×8', '14×14×8']));
    await expect.poll(async () => nodeError(page, 'dense1').textContent()).toMatch(/needs a rank-1.*got \[14, 14, 8\].*flatten/i);
    expect(await page.getByTestId('editor-ok').count()).toBe(0);
    // A graph with errors cannot be trained.
    await page.getByTestId('train-experiment').selectOption(String(experiment.id));
    expect(await page.getByTestId('architecture-train').isDisabled()).toBe(true);
    expect(await page.getByTestId('architecture-train').getAttribute('title')).toBe('Fix the errors first.');
    await selectNode(page, 'dense1');
    await page.screenshot({ path: screenshotPath('screenshot-editor-error.png') });

    // The fix: pooling → flatten → dense (the new edge replaces the old one on the dense's port).
    await wire(page, 'maxPool2d1', 'flatten1');
    await wire(page, 'flatten1', 'dense1');
    await expect.poll(async () => nodeError(page, 'dense1').count()).toBe(0);
    await expect.poll(() => nodeShape(page, 'flatten1')).toBe('1568');
    await expect.poll(() => nodeShape(page, 'dense1')).toBe('10');
    await page.getByTestId('editor-ok').waitFor();
    // The palette's conv pads 'same': 3·3·1·8 + 8 conv, 14·14·8·10 + 10 dense.
    expect(await page.getByTestId('total-params').getAttribute('data-value')).toBe(String(80 + 15690));

    // Delete a layer, undo, redo, undo again: the graph is whole again.
    await selectNode(page, 'flatten1');
    await page.getByTestId('editor-canvas').press('Delete');
    await expect.poll(() => page.getByTestId('layer-node').count()).toBe(4);
    await page.getByTestId('editor-canvas').press('Control+z');
    await expect.poll(() => page.getByTestId('layer-node').count()).toBe(5);
    await page.getByTestId('editor-redo').click();
    await expect.poll(() => page.getByTestId('layer-node').count()).toBe(4);
    await page.getByTestId('editor-undo').click();
    await page.getByTestId('editor-ok').waitFor();

    // Copy and paste a layer: a fresh id, its parameters kept.
    await selectNode(page, 'conv2d1');
    await page.getByTestId('editor-canvas').press('Control+c');
    await page.getByTestId('editor-canvas').press('Control+v');
    await expect.poll(() => page.getByTestId('layer-node').count()).toBe(6);
    expect(await page.locator('[data-testid="layer-node"][data-node-id="conv2d2"]').count()).toBe(1);
    await page.getByTestId('editor-canvas').press('Delete');
    await expect.poll(() => page.getByTestId('layer-node').count()).toBe(5);

    // Multi-select (Ctrl-click) two connected layers, copy, paste: both come, with the edge between them.
    const edgesBefore = await page.locator('.vue-flow__edge').count();
    await selectNode(page, 'conv2d1');
    await page.locator('[data-testid="layer-node"][data-node-id="maxPool2d1"] [data-testid="layer-node-title"]').click({ modifiers: ['Control'] });
    await expect.poll(async () => page.getByTestId('property-panel').textContent()).toContain('2 layers selected');
    await page.getByTestId('editor-canvas').press('Control+c');
    await page.getByTestId('editor-canvas').press('Control+v');
    await expect.poll(() => page.getByTestId('layer-node').count()).toBe(7);
    await expect.poll(() => page.locator('.vue-flow__edge').count()).toBe(edgesBefore + 1);
    await page.getByTestId('editor-canvas').press('Control+z');
    await expect.poll(() => page.getByTestId('layer-node').count()).toBe(5);
    await page.getByTestId('editor-ok').waitFor();

    // Click an edge (on its shape label: the middle of a routed path's box may lie off the path) and delete it:
    // the layer it fed reports its empty port; undo reconnects.
    await page.locator('.vue-flow__edge[data-id="flatten1->dense1:0"] .vue-flow__edge-textbg').click();
    await page.getByTestId('editor-canvas').press('Delete');
    await expect.poll(() => page.locator('.vue-flow__edge').count()).toBe(edgesBefore - 1);
    await expect.poll(async () => nodeError(page, 'dense1').textContent()).toMatch(/has no input/);
    await page.getByTestId('editor-canvas').press('Control+z');
    await page.getByTestId('editor-ok').waitFor();

    await page.getByTestId('editor-layout').click();
    await page.getByTestId('architecture-name').fill('Tiny CNN');
    await page.getByTestId('architecture-name').press('Enter');
    await page.getByTestId('architecture-note').fill('first draft');
    await page.getByTestId('architecture-save').click();
    await expect.poll(async () => page.getByTestId('architecture-saved').textContent()).toContain('version 1');
    await page.screenshot({ path: screenshotPath('screenshot-editor.png') });
    const saved = await ui.api<{ id: number; version: number; family: string; architecture: { nodes: { id: string; kind: string }[] } }[]>('architectures.list', {});
    expect(saved).toHaveLength(1);
    expect(saved[0]!.family).toBe('classifier');
    expect(saved[0]!.architecture.nodes.map((n) => n.kind).sort()).toEqual(['conv2d', 'dense', 'flatten', 'input', 'maxPool2d']);

    // Train it: the new-run form opens with the saved version chosen.
    expect(await page.getByTestId('architecture-train').isDisabled()).toBe(false);
    await page.getByTestId('architecture-train').click();
    await expect.poll(async () => page.getByTestId('field-template').inputValue()).toBe(`saved:${saved[0]!.id}@1`);
    await page.getByTestId('field-trainSize').fill('200');
    await page.getByTestId('field-testSize').fill('100');
    await page.getByTestId('field-epochs').fill('1');
    await page.getByTestId('start-run').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 120_000 }).toContain('done');
    expect(await page.getByTestId('run-architecture-saved').textContent()).toContain(`#${saved[0]!.id} · version 1`);
    expect(await page.getByTestId('architecture').textContent()).toContain('Tiny CNN');

    // The run's architecture in the editor, read-only, as it trained.
    await page.getByTestId('run-architecture-open').click();
    await page.getByTestId('architecture-editor').waitFor();
    await expect.poll(async () => page.getByTestId('architecture-editor').getAttribute('data-readonly')).toBe('true');
    await expect.poll(() => page.getByTestId('layer-node').count()).toBe(5);
    expect(await page.getByTestId('palette-item').first().isDisabled()).toBe(true);
    await page.getByTestId('editor-fork').click();
    expect(await page.getByTestId('architecture-editor').getAttribute('data-readonly')).toBe('false');
    expect(await page.getByTestId('architecture-name').inputValue()).toBe('Tiny CNN (fork)');
    expect(ui.problems).toEqual([]);
  });

  it('edits a VAE as encoder and decoder against their contract, and exports and imports', async () => {
    const { page } = ui;
    await page.goto(ui.serve.url);
    await page.getByTestId('nav-architectures').click();
    await page.getByTestId('new-architecture-family').selectOption('vae');
    await page.getByTestId('new-architecture-template').selectOption('mlp');
    await page.getByTestId('new-architecture').click();
    await page.getByTestId('editor-ok').waitFor();
    expect(await page.getByTestId('part-tab').allTextContents()).toEqual([expect.stringContaining('encoder'), expect.stringContaining('decoder')]);
    expect(await page.getByTestId('contract-line').allTextContents()).toEqual([
      expect.stringMatching(/encoder.*\[28, 28, 1\] to μ and log σ² \[40\]/), expect.stringMatching(/decoder.*z \[20\]/),
    ]);

    // A latent size the parts were not drawn for breaks the contract, and says how to fix it.
    await page.getByTestId('contract-latent').fill('10');
    await page.getByTestId('contract-latent').press('Enter');
    await expect.poll(async () => page.getByTestId('editor-errors').textContent()).toMatch(/encoder: outputs \[40\] but must output μ and log σ² \(\[20\].*dense layer of 20 linear units/);
    await expect.poll(() => page.locator('[data-testid="contract-line"].is-bad').count()).toBe(2);
    await page.getByTestId('contract-latent').fill('20');
    await page.getByTestId('contract-latent').press('Enter');
    await page.getByTestId('editor-ok').waitFor();

    // The decoder part: break its reshape, read the message on the node, undo.
    await page.locator('[data-testid="part-tab"][data-part="decoder"]').click();
    const decoderOut = await page.locator('[data-testid="layer-node"].is-output').getAttribute('data-node-id');
    expect(await page.locator(`[data-testid="layer-node"][data-node-id="${decoderOut}"]`).getAttribute('data-kind')).toBe('reshape');
    await selectNode(page, decoderOut!);
    await setParam(page, 'targetShape', '28, 27, 1');
    await expect.poll(async () => nodeError(page, decoderOut!).textContent()).toMatch(/cannot reshape \[784\].*\[28, 27, 1\]/);
    await page.getByTestId('editor-canvas').press('Control+z');
    await page.getByTestId('editor-ok').waitFor();

    // Export: the decoder as a TF.js model that tf.loadLayersModel loads with the editor's parameter count,
    // the whole model as our JSON, and Keras code.
    const total = Number(await page.getByTestId('total-params').getAttribute('data-value'));
    const tfjs = await downloaded(page, 'export-tfjs');
    expect(tfjs.name).toMatch(/-decoder\.model\.json$/);
    await tf.setBackend('cpu');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(JSON.parse(tfjs.text) as tf.io.ModelArtifacts));
    expect(loaded.countParams()).toBe(total);
    expect(loaded.outputs[0]!.shape).toEqual([null, 28, 28, 1]);
    loaded.dispose();
    const ours = architectureSchema.parse(JSON.parse((await downloaded(page, 'export-graph')).text));
    expect(Object.keys('parts' in ours ? ours.parts : {})).toEqual(['encoder', 'decoder']);
    const py = await downloaded(page, 'export-keras');
    expect(py.text).toContain('import keras');
    expect(py.text).toMatch(/def build_decoder|decoder/);

    // Import a Keras 2 Sequential CNN into a blank classifier: everything maps, and it is ready to train.
    await page.getByTestId('nav-architectures').click();
    await page.getByTestId('new-architecture-family').selectOption('classifier');
    await page.getByTestId('new-architecture-template').selectOption('blank');
    await page.getByTestId('new-architecture').click();
    await page.getByTestId('editor-import-file').setInputFiles(path.join(repoRoot, 'test', 'fixtures', 'keras', 'sequential_cnn_keras2.json'));
    await expect.poll(async () => page.getByTestId('editor-file-message').textContent()).toMatch(/Imported 1[01] layers/);
    await page.getByTestId('editor-ok').waitFor();
    expect(await page.locator('[data-testid="layer-node"][data-kind="conv2d"]').count()).toBe(2);

    // A Keras 3 model with layers the palette does not have: the rest imports, and the list says what did not.
    await page.getByTestId('editor-import-file').setInputFiles(path.join(repoRoot, 'test', 'fixtures', 'keras', 'functional_keras3.json'));
    await page.getByTestId('import-report').waitFor();
    // Polled: the report of the first import may still be on screen for a moment.
    await expect.poll(async () => page.getByTestId('import-unsupported').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('Conv1D'), expect.stringContaining('Lambda')]));
    expect(await page.locator('[data-testid="layer-node"][data-kind="lstm"]').count()).toBeGreaterThan(0);
    // Importing replaced the part: one undo brings the CNN back.
    await page.getByTestId('editor-undo').click();
    await expect.poll(() => page.locator('[data-testid="layer-node"][data-kind="conv2d"]').count()).toBe(2);

    // An AC-GAN from the templates: generator and discriminator, D's contract is the source logit and the class logits.
    await page.getByTestId('nav-architectures').click();
    await page.getByTestId('new-architecture-family').selectOption('gan');
    await page.getByTestId('new-architecture-template').selectOption('dcgan');
    await page.getByTestId('new-architecture-conditioning').selectOption('acgan');
    await page.getByTestId('new-architecture').click();
    await page.getByTestId('editor-ok').waitFor();
    expect(await page.getByTestId('contract-line').allTextContents()).toEqual([
      expect.stringMatching(/generator.*'z' \[64\] and one-hot label 'y' \[10\]/), expect.stringMatching(/discriminator.*\[11\]/),
    ]);
    // Leaving the unsaved VAE and the unsaved import asked first.
    expect(asked.filter((m) => m.includes('unsaved changes'))).toHaveLength(2);
    expect(ui.problems).toEqual([]);
  });
});
