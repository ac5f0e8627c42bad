/**
 * The editor reads at a glance (issue 15), in Chromium against `serve`:
 * LeNet's layers open top to bottom at a zoom where node titles and edge
 * shapes are at least 10 px on screen, at 1000×700 and at 1400×900 (measured
 * in the page: the computed font size times the scale the canvas draws it
 * at); the wheel scrolls on to the output; a node's title follows its
 * filters; palette names are whole; the minimap covers no layer.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { uiSession } from '../helpers/uiSession';
import { screenshotPath } from '../helpers/screenshots';

const ui = uiSession();

interface Box { x: number; y: number; width: number; height: number }
interface Measures {
  /** On-screen px of each node title: computed font size × drawn height / layout height. */
  titlePx: number[];
  /** The same from the viewport's transform: font size × its scale. */
  titlePxFromZoom: number[];
  edgeLabelPx: number[];
  nodes: (Box & { id: string })[];
  edgeLabels: Box[];
  canvas: Box;
  minimap: Box | null;
}

/** Everything the assertions need, read in the page in one go. */
function measure(page: Page): Promise<Measures> {
  return page.evaluate(() => {
    const box = (e: Element): { x: number; y: number; width: number; height: number } => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const pane = document.querySelector('.vue-flow__transformationpane');
    const zoom = pane ? new DOMMatrix(getComputedStyle(pane).transform).a : NaN;
    const titles = [...document.querySelectorAll<HTMLElement>('[data-testid="layer-node-title"]')];
    const fontPx = (e: Element): number => parseFloat(getComputedStyle(e).fontSize);
    const map = document.querySelector('.vue-flow__minimap');
    return {
      titlePx: titles.map((t) => fontPx(t) * (t.getBoundingClientRect().height / t.offsetHeight)),
      titlePxFromZoom: titles.map((t) => fontPx(t) * zoom),
      edgeLabelPx: [...document.querySelectorAll('.vue-flow__edge-text')].map((t) => fontPx(t) * zoom),
      nodes: [...document.querySelectorAll<HTMLElement>('[data-testid="layer-node"]')].map((n) => ({ id: n.dataset['nodeId'] ?? '', ...box(n) })),
      edgeLabels: [...document.querySelectorAll('.vue-flow__edge-textbg')].map(box),
      canvas: box(document.querySelector('[data-testid="editor-canvas"]')!),
      minimap: map ? box(map) : null,
    };
  });
}

const clip = (a: Box, to: Box): Box | null => {
  const x = Math.max(a.x, to.x);
  const y = Math.max(a.y, to.y);
  const w = Math.min(a.x + a.width, to.x + to.width) - x;
  const h = Math.min(a.y + a.height, to.y + to.height) - y;
  return w > 0 && h > 0 ? { x, y, width: w, height: h } : null;
};
const intersects = (a: Box, b: Box): boolean => clip(a, b) !== null;

async function openLenet(page: Page, width: number, height: number): Promise<Measures> {
  await page.setViewportSize({ width, height });
  await ui.openRoute('/#/architectures/new?family=classifier&template=lenet');
  await page.getByTestId('architecture-editor').waitFor();
  await expect.poll(() => page.getByTestId('layer-node').count()).toBe(9);
  // Fitted once the input sits inside the canvas, near its top.
  await expect.poll(async () => {
    const m = await measure(page);
    const input = m.nodes.find((n) => n.id === 'input');
    return input !== undefined && input.y >= m.canvas.y && input.y < m.canvas.y + 80;
  }).toBe(true);
  return measure(page);
}

function expectReadable(m: Measures): void {
  expect(m.titlePx).toHaveLength(9);
  for (let i = 0; i < m.titlePx.length; i++) {
    expect(m.titlePx[i]!).toBeGreaterThanOrEqual(10);
    // Two ways of reading the scale agree.
    expect(Math.abs(m.titlePx[i]! - m.titlePxFromZoom[i]!)).toBeLessThan(0.2);
  }
  expect(m.edgeLabelPx).toHaveLength(8);
  for (const px of m.edgeLabelPx) expect(px).toBeGreaterThanOrEqual(10);
  // Top to bottom: each layer of the chain below the one before, the shape labels between them, on no layer.
  const order = ['input', 'conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'fc1', 'fc2', 'output'];
  const ys = order.map((id) => m.nodes.find((n) => n.id === id)!.y);
  for (let i = 1; i < ys.length; i++) expect(ys[i]!).toBeGreaterThan(ys[i - 1]!);
  for (const label of m.edgeLabels) for (const n of m.nodes) expect(intersects(label, n), `edge label over ${n.id}`).toBe(false);
}

function expectMapClear(m: Measures): void {
  expect(m.minimap).not.toBeNull();
  for (const n of m.nodes) {
    const visible = clip(n, m.canvas);
    if (visible) expect(intersects(m.minimap!, visible), `minimap over ${n.id}`).toBe(false);
  }
}

async function expectPaletteWhole(page: Page): Promise<void> {
  const cut = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-testid="palette-item"], [data-testid="palette-item"] > span')]
    .filter((e) => e.scrollWidth > e.clientWidth)
    .map((e) => e.textContent ?? ''));
  expect(cut).toEqual([]);
  const items = page.getByTestId('palette-item');
  expect(await items.count()).toBeGreaterThan(20);
  expect(await page.locator('[data-testid="palette-item"][data-key]', { hasText: 'Causal self-attention' }).getAttribute('title'))
    .toMatch(/^Causal self-attention \(selfAttention\): Transformer block/);
}

describe('editor readability', () => {
  it('opens LeNet readable at 1000×700: titles and shapes at least 10 px, scrolls on, titles follow parameters', async () => {
    const { page } = ui;
    const m = await openLenet(page, 1000, 700);
    expectReadable(m);
    // The whole chain does not fit at a readable zoom: the output is below the canvas, reached by scrolling, not by zooming out.
    const output = m.nodes.find((n) => n.id === 'output')!;
    expect(output.y).toBeGreaterThan(m.canvas.y + m.canvas.height);
    await page.mouse.move(m.canvas.x + m.canvas.width / 2, m.canvas.y + m.canvas.height / 2);
    await expect.poll(async () => {
      await page.mouse.wheel(0, 400);
      const after = await measure(page);
      const out = after.nodes.find((n) => n.id === 'output')!;
      return out.y + out.height <= after.canvas.y + after.canvas.height;
    }).toBe(true);
    const scrolled = await measure(page);
    expect(scrolled.titlePx[0]).toBeCloseTo(m.titlePx[0]!, 6);

    // Narrow canvas: no minimap until asked for; then fitting keeps the layers clear of it.
    expect(m.minimap).toBeNull();
    await page.getByTestId('editor-minimap-toggle').click();
    await expect.poll(async () => (await measure(page)).minimap !== null).toBe(true);
    await expect.poll(async () => (await measure(page)).nodes.find((n) => n.id === 'input')!.y).toBeLessThan(m.canvas.y + 80);
    expectMapClear(await measure(page));
    await expectPaletteWhole(page);
    await page.screenshot({ path: screenshotPath('editor-lenet-1000x700.png') });

    // The title follows the filters (the stored label said "Conv 6@5×5 same").
    const conv1Title = page.locator('[data-testid="layer-node"][data-node-id="conv1"] [data-testid="layer-node-title"]');
    expect(await conv1Title.textContent()).toBe('Conv 6@5×5 same ReLU');
    await conv1Title.click();
    await page.getByTestId('param-filters').fill('32');
    await page.getByTestId('param-filters').press('Enter');
    await expect.poll(() => conv1Title.textContent()).toBe('Conv 32@5×5 same ReLU');
    await expect.poll(() => page.locator('[data-testid="shape-table"] tr[data-node-id="conv1"] td').first().textContent()).toBe('Conv 32@5×5 same ReLU');
    expect(ui.problems).toEqual([]);
  });

  it('opens LeNet readable at 1400×900 with the minimap shown and clear of every layer', async () => {
    const { page } = ui;
    page.on('dialog', (d) => { void d.accept(); });
    const m = await openLenet(page, 1400, 900);
    expectReadable(m);
    expectMapClear(m);
    await expectPaletteWhole(page);
    await page.screenshot({ path: screenshotPath('editor-lenet-1400x900.png') });
    expect(ui.problems).toEqual([]);
  });
});
