// Copies the non-TypeScript files the compiled node code needs (SQL migrations) into dist/.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const from = path.join(root, 'db', 'migrations');
const to = path.join(root, 'dist', 'db', 'migrations');
fs.mkdirSync(to, { recursive: true });
for (const f of fs.readdirSync(from)) {
  if (f.endsWith('.sql')) fs.copyFileSync(path.join(from, f), path.join(to, f));
}
