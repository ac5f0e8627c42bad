import { describe, expect, it } from 'vitest';
import { cellAtClick, describeCell, gridCells, gridGeometry, neighbourEntries } from '../../../renderer/lib/gallery';

/** An 8×8 grid of 28×28 MNIST cells with a 1-pixel gap, as the GAN's samples grid is written: 233 × 233 pixels. */
const samplesMeta = { rows: 8, cols: 8, cellHeight: 28, cellWidth: 28, channels: 1 };
const natural = { width: 8 * 28 + 9, height: 8 * 28 + 9 };

describe('the grid cell under a click', () => {
  it('maps a click on the image shown at its natural size to the cell', () => {
    expect(cellAtClick(samplesMeta, natural, natural, { x: 5, y: 5 })).toMatchObject({ row: 0, col: 0, index: 0, x: 1, y: 1, width: 28, height: 28 });
    // Inside the third cell of the second row: x 1 + 2·29 … , y 1 + 29 …
    expect(cellAtClick(samplesMeta, natural, natural, { x: 60, y: 35 })).toMatchObject({ row: 1, col: 2, index: 10 });
    expect(cellAtClick(samplesMeta, natural, natural, { x: 232, y: 232 })).toMatchObject({ row: 7, col: 7, index: 63 });
  });

  it('scales the click from the displayed size to the natural size', () => {
    const shown = { width: 466, height: 466 }; // drawn 2× larger
    // 2× of (60, 35) is the same cell; (60, 35) displayed is (30, 17.5) natural: row 0, col 1.
    expect(cellAtClick(samplesMeta, natural, shown, { x: 120, y: 70 })).toMatchObject({ row: 1, col: 2, index: 10 });
    expect(cellAtClick(samplesMeta, natural, shown, { x: 60, y: 35 })).toMatchObject({ row: 0, col: 1, index: 1 });
    // The last cell at the displayed scale.
    expect(cellAtClick(samplesMeta, natural, shown, { x: 465, y: 465 })?.index).toBe(63);
  });

  it('knows the cells of grids drawn scale× larger (cell size from the meta, not the image)', () => {
    const big = { width: 8 * 56 + 9, height: 8 * 56 + 9 };
    expect(cellAtClick(samplesMeta, big, big, { x: 60, y: 60 })).toMatchObject({ row: 1, col: 1, index: 9, width: 56, height: 56 });
  });

  it('finds no cell without a grid meta, for an image the meta does not fit, or outside the image', () => {
    expect(cellAtClick({}, natural, natural, { x: 5, y: 5 })).toBeNull();
    expect(cellAtClick({ ...samplesMeta, rows: 7 }, natural, natural, { x: 5, y: 5 })).toBeNull();
    expect(cellAtClick(samplesMeta, natural, natural, { x: -1, y: 5 })).toBeNull();
    expect(cellAtClick(samplesMeta, natural, natural, { x: 5, y: 300 })).toBeNull();
    expect(cellAtClick(samplesMeta, natural, { width: 0, height: 0 }, { x: 5, y: 5 })).toBeNull();
  });
});

describe('a neighbours strip', () => {
  const strip = { rows: 1, cols: 6, cellHeight: 28, cellWidth: 28, channels: 1 };

  it('is cut into its cells, the sample first', () => {
    const g = gridGeometry(strip, 6 * 28 + 7, 28 + 2)!;
    const cells = gridCells(g);
    expect(cells).toHaveLength(6);
    expect(cells[0]).toEqual({ row: 0, col: 0, index: 0, x: 1, y: 1, width: 28, height: 28 });
    expect(cells[5]).toMatchObject({ col: 5, index: 5, x: 1 + 5 * 29 });
  });

  it('lists each neighbour with its training index, label and distance', () => {
    const meta = { ...strip, trainIndices: [12, 7, 301, 44, 9], labels: [3, 3, 5, 3, 8], distances: [4.21, 4.5, 4.75, 5, 5.1] };
    const e = neighbourEntries(meta);
    expect(e).toHaveLength(5);
    expect(e[0]).toEqual({ rank: 1, trainIndex: 12, label: 3, distance: 4.21 });
    expect(e[4]).toEqual({ rank: 5, trainIndex: 9, label: 8, distance: 5.1 });
  });

  it('skips the sample\'s own entry when labels has one per cell, and tolerates missing fields', () => {
    const perCell = neighbourEntries({ ...strip, labels: [-1, 1, 2, 3, 4, 5], distances: [1, 2, 3, 4, 5] });
    expect(perCell.map((x) => x.label)).toEqual([1, 2, 3, 4, 5]);
    expect(perCell[0]!.trainIndex).toBeNull();
    const bare = neighbourEntries({ ...strip });
    expect(bare).toHaveLength(5);
    expect(bare[2]).toEqual({ rank: 3, trainIndex: null, label: null, distance: null });
    expect(neighbourEntries({ distances: [1, 'x', null] }).map((x) => x.distance)).toEqual([1, null, null]);
  });

  it('describes its cells for the zoom: the sample, then each neighbour (one entry per neighbour, so shifted by one)', () => {
    const meta = { ...strip, trainIndices: [12, 7, 301, 44, 9], labels: [3, 3, 5, 3, 8], distances: [4.214, 4.5, 4.75, 5, 5.1] };
    expect(describeCell(meta, { row: 0, col: 0, index: 0 })).toBe('the sample · row 1, column 1');
    expect(describeCell(meta, { row: 0, col: 1, index: 1 })).toBe('neighbour #1 · row 1, column 2 · train #12 · label 3 · L2 4.21');
    // A classifier's misclassified grid: each cell's caption after its test index and true label.
    const mistakes = { rows: 1, cols: 2, cellHeight: 28, cellWidth: 28, testIndices: [4, 9], labels: [7, 3], cellLabels: ['7 → 1 (98 %)', '3 → 5 (61 %)'] };
    expect(describeCell(mistakes, { row: 0, col: 1, index: 1 })).toBe('row 1, column 2 · test #9 · label 3 · 3 → 5 (61 %)');
    expect(describeCell(meta, { row: 0, col: 5, index: 5 })).toBe('neighbour #5 · row 1, column 6 · train #9 · label 8 · L2 5.10');
  });
});
