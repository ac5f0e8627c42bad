#!/usr/bin/env node
// `latent …` (npx latent, an installed bin, `npm run -s cli -- …`): the CLI without npm's
// banner and without a TypeScript build on every call. It builds the node part only when a
// source is newer than the last build (one line on stderr), then runs the compiled CLI in this
// process. stdout carries only the command's own output, so `latent runs --json | jq` works.
const path = require('node:path');
const { ensureBuilt } = require('../scripts/buildFreshness.cjs');

try {
  ensureBuilt('node');
} catch (e) {
  process.stderr.write(`latent: ${e.message}\n`);
  process.exit(1);
}
require(path.join(__dirname, '..', 'dist', 'main', 'cli', 'cliMain.js'));
