// Refreshes the README's images: copies the screenshots the end-to-end tests wrote
// to test-results/screenshots/ (ignored by git, so `npm test` never touches docs/)
// over docs/. Run the end-to-end tests first (`npm test`, or `npm run build` then
// `npm run test:e2e`); then review `git diff docs/` and commit what you keep.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const from = path.join(root, 'test-results', 'screenshots');
const to = path.join(root, 'docs');

const shots = fs.existsSync(from) ? fs.readdirSync(from).filter((f) => f.endsWith('.png')).sort() : [];
if (shots.length === 0) {
  console.error(`No screenshots in ${path.relative(root, from)}/: run the end-to-end tests first (npm run build && npm run test:e2e).`);
  process.exit(1);
}
fs.mkdirSync(to, { recursive: true });
for (const f of shots) fs.copyFileSync(path.join(from, f), path.join(to, f));
console.log(`Copied ${shots.length} screenshots to docs/: ${shots.join(', ')}`);

// The README's images the tests did not (re)take this time stay as they were: say which.
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const referenced = [...readme.matchAll(/\(docs\/([^)\s]+\.png)\)/g)].map((m) => m[1]);
const stale = [...new Set(referenced)].filter((f) => !shots.includes(f));
if (stale.length > 0) console.warn(`Not refreshed (no new screenshot): ${stale.join(', ')}`);
