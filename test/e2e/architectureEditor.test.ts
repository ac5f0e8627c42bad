/**
 * The architecture editor in Chromium against `serve`: build a small CNN
 * from the palette by drag and drop and connections, see the shapes appear,
 * make a shape mismatch and read the message on the node, fix it, undo and
 * redo, save, start a run from the saved version, and find that exact
 * version on the run page, read-only in the editor.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { uiSession } from '../helpers/uiSession';
import { repoRoot } from '../helpers/tempDir';

const ui = uiSession();

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

describe('architecture editor', () => {
  it('builds a CNN by drag and drop, catches a mismatch, saves, trains it and shows it on the run page', async () => {
    const { page } = ui;
    const experiment = await ui.api<{ id: number }>('experiments.create', { name: 'Drawn networks' });
    await page.goto(ui.serve.url);
    await page.getByTestId('nav-architectures').click();
    await page.getByTestId('new-architecture-template').selectOption('blank');
    await page.getByTestId('new-architecture').click();
    await page.getByTestId('architecture-editor').waitFor();
    expect(await page.getByTestId('layer-node').count()).toBe(0);

    // Five layers from the palette, dropped left to right.
    await drop(page, 'input', null, 80, 200);
    await drop(page, 'conv2d', null, 300, 200);
    await drop(page, 'maxPool2d', null, 520, 200);
    await drop(page, 'flatten', null, 520, 360);
    await drop(page, 'dense', 'Softmax head', 740, 200);
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
    await page.screenshot({ path: path.join(repoRoot, 'docs', 'screenshot-editor-error.png') });

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

    await page.getByTestId('editor-layout').click();
    await page.getByTestId('architecture-name').fill('Tiny CNN');
    await page.getByTestId('architecture-name').press('Enter');
    await page.getByTestId('architecture-note').fill('first draft');
    await page.getByTestId('architecture-save').click();
    await expect.poll(async () => page.getByTestId('architecture-saved').textContent()).toContain('version 1');
    await page.screenshot({ path: path.join(repoRoot, 'docs', 'screenshot-editor.png') });
    const saved = await ui.api<{ id: number; version: number; family: string; architecture: { nodes: { id: string; kind: string }[] } }[]>('architectures.list', {});
    expect(saved).toHaveLength(1);
    expect(saved[0]!.family).toBe('classifier');
    expect(saved[0]!.architecture.nodes.map((n) => n.kind).sort()).toEqual(['conv2d', 'dense', 'flatten', 'input', 'maxPool2d']);

    // Train it: the new-run form opens with the saved version chosen.
    await page.getByTestId('train-experiment').selectOption(String(experiment.id));
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
    expect(await page.getByTestId('architecture-editor').getAttribute('data-readonly')).toBe('true');
    await expect.poll(() => page.getByTestId('layer-node').count()).toBe(5);
    expect(await page.getByTestId('palette-item').first().isDisabled()).toBe(true);
    await page.getByTestId('editor-fork').click();
    expect(await page.getByTestId('architecture-editor').getAttribute('data-readonly')).toBe('false');
    expect(await page.getByTestId('architecture-name').inputValue()).toBe('Tiny CNN (fork)');
    expect(ui.problems).toEqual([]);
  });
});
