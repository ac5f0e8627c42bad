// Draws the app's icons into build/ (electron-builder's buildResources): icon.png (1024 × 1024,
// Linux and the source of the others), icon.ico (Windows), icon.icns (macOS), and the icons of
// exported experiment bundles (lwbundle.ico, lwbundle.icns: electron-builder looks for
// `<first extension>.ico/.icns` for a file association). No external assets: every size is
// rendered from signed distance functions (so small sizes stay sharp rather than being scaled
// down), encoded with pngjs, and wrapped in the ICO and ICNS containers, which are plain
// indexes of PNG images. Run `node scripts/makeIcons.cjs` after changing the drawing and commit
// the files; the build does not run it.
const fs = require('node:fs');
const path = require('node:path');
const { PNG } = require('pngjs');

const outDir = path.resolve(__dirname, '..', 'build');

const BACKGROUND = [30, 58, 95];
const EDGE = [148, 190, 232];
const NODE = [255, 255, 255];
const LATENT = [255, 176, 59];

/** The mark in unit coordinates (0..1): a small encoder–decoder, 3 → 1 → 3, whose bottleneck (the latent) is orange. */
const layers = [
  [[0.24, 0.3], [0.24, 0.5], [0.24, 0.7]],
  [[0.5, 0.5]],
  [[0.76, 0.3], [0.76, 0.5], [0.76, 0.7]],
];

function segmentDistance(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function roundedRectDistance(px, py, x0, y0, x1, y1, r) {
  const qx = Math.abs(px - (x0 + x1) / 2) - ((x1 - x0) / 2 - r);
  const qy = Math.abs(py - (y0 + y1) / 2) - ((y1 - y0) / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Layers of [distance, colour] for one point of the app icon, back to front. */
function appShapes(px, py) {
  const edges = [];
  for (const a of layers[0]) edges.push(segmentDistance(px, py, a, layers[1][0]));
  for (const b of layers[2]) edges.push(segmentDistance(px, py, layers[1][0], b));
  const nodes = [...layers[0], ...layers[2]].map(([cx, cy]) => Math.hypot(px - cx, py - cy) - 0.065);
  return [
    [roundedRectDistance(px, py, 0.06, 0.06, 0.94, 0.94, 0.2), BACKGROUND],
    [Math.min(...edges) - 0.018, EDGE],
    [Math.min(...nodes), NODE],
    [Math.hypot(px - 0.5, py - 0.5) - 0.095, LATENT],
  ];
}

/** A bundle file: a white page with a folded corner carrying the app's mark, smaller. */
function bundleShapes(px, py) {
  // The corner is cut along x − y = 0.56; the fold is the triangle just inside that cut.
  const cut = (px - py - 0.56) / Math.SQRT2;
  const page = Math.max(roundedRectDistance(px, py, 0.18, 0.06, 0.82, 0.94, 0.05), cut);
  const fold = Math.max(0.62 - px, py - 0.26, cut);
  const inner = appShapes((px - 0.5) / 0.55 + 0.5, (py - 0.58) / 0.55 + 0.5).map(([d, c]) => [d * 0.55, c]);
  return [[page, [250, 250, 250]], [fold, [200, 210, 222]], ...inner];
}

/** Renders `shapes` at size × size: each shape's coverage from its distance (one pixel of antialiasing). */
function render(size, shapes) {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let rgb = [0, 0, 0];
      let alpha = 0;
      for (const [d, colour] of shapes((x + 0.5) / size, (y + 0.5) / size)) {
        const cover = Math.max(0, Math.min(1, 0.5 - d * size));
        if (cover === 0) continue;
        const a = cover + alpha * (1 - cover);
        rgb = rgb.map((v, i) => (colour[i] * cover + v * alpha * (1 - cover)) / a);
        alpha = a;
      }
      const o = (y * size + x) * 4;
      png.data[o] = Math.round(rgb[0]);
      png.data[o + 1] = Math.round(rgb[1]);
      png.data[o + 2] = Math.round(rgb[2]);
      png.data[o + 3] = Math.round(alpha * 255);
    }
  }
  return PNG.sync.write(png);
}

/** ICO: a 6-byte header, one 16-byte directory entry per image, then the PNGs (Vista+ reads PNG entries). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((im) => im.data)]);
}

/** ICNS: 'icns' + total length, then one (type, length incl. its 8-byte head, PNG) block per image, big-endian. */
function icns(images) {
  const blocks = images.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + blocks.reduce((n, b) => n + b.length, 0), 4);
  return Buffer.concat([head, ...blocks]);
}

/** The ICNS PNG types and their pixel sizes (the @2x types are the Retina variants of the smaller sizes). */
const icnsTypes = [['icp4', 16], ['icp5', 32], ['icp6', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024], ['ic11', 32], ['ic12', 64], ['ic13', 256], ['ic14', 512]];
const icoSizes = [16, 24, 32, 48, 64, 128, 256];

function writeSet(name, shapes) {
  const cache = new Map();
  const at = (size) => {
    if (!cache.has(size)) cache.set(size, render(size, shapes));
    return cache.get(size);
  };
  fs.writeFileSync(path.join(outDir, `${name}.ico`), ico(icoSizes.map((size) => ({ size, data: at(size) }))));
  fs.writeFileSync(path.join(outDir, `${name}.icns`), icns(icnsTypes.map(([type, size]) => ({ type, data: at(size) }))));
  return at;
}

fs.mkdirSync(outDir, { recursive: true });
const app = writeSet('icon', appShapes);
fs.writeFileSync(path.join(outDir, 'icon.png'), app(1024));
writeSet('lwbundle', bundleShapes);
console.log(`icons written to ${outDir}`);
