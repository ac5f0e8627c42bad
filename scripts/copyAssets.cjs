// Copies the non-TypeScript files the compiled node code needs into dist/: the SQL migrations,
// and the built-in text corpora of the sequence family (read at run time from
// dist/workers/data/corpora by the corpus service and, by absolute path, the training worker).
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function copyFiles(fromParts, toParts, extension) {
  const from = path.join(root, ...fromParts);
  const to = path.join(root, 'dist', ...toParts);
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) {
    if (f.endsWith(extension)) fs.copyFileSync(path.join(from, f), path.join(to, f));
  }
}

copyFiles(['db', 'migrations'], ['db', 'migrations'], '.sql');
copyFiles(['workers', 'data', 'corpora'], ['workers', 'data', 'corpora'], '.txt');
