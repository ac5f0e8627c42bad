// Is dist/ older than its sources? The CLI launcher, `npm run cli`, `npm run serve` and
// `npm start` ask before they run, so a start costs a build only when a source changed
// (a few ms of stat calls otherwise) and a fresh clone builds on first use.
//
// Each part of the build (node: tsc + assets; renderer: vite) writes a stamp file when it
// finishes; a part is stale when a file under its source folders, or one of its config files,
// is newer than its stamp, or when the stamp or the part's entry file is missing.
//
//   node scripts/buildFreshness.cjs ensure node|renderer|all   rebuild what is stale (one line on stderr when it does)
//   node scripts/buildFreshness.cjs check node|renderer|all    exit 1 and say why when something is stale
//   node scripts/buildFreshness.cjs stamp node|renderer        written by the build scripts after a build
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const repoRoot = path.resolve(__dirname, '..');

/** What each part is built from, where its stamp and entry are, and the npm script that builds it. */
const parts = {
  node: {
    dirs: ['main', 'workers', 'db', 'bench'],
    files: ['tsconfig.base.json', 'tsconfig.node.json', 'package.json', 'package-lock.json', 'scripts/copyAssets.cjs'],
    entry: 'dist/main/cli/cliMain.js',
    stamp: 'dist/.stamp-node',
    script: 'build:node',
  },
  renderer: {
    // The renderer bundles the two pure folders too.
    dirs: ['renderer', 'main/common', 'workers/common'],
    files: ['tsconfig.base.json', 'tsconfig.web.json', 'vite.config.mts', 'package.json', 'package-lock.json'],
    entry: 'dist/renderer/index.html',
    stamp: 'dist/.stamp-renderer',
    script: 'build:renderer',
  },
};

function partNames(which) {
  if (which === 'all') return Object.keys(parts);
  if (!Object.hasOwn(parts, which)) throw new Error(`unknown build part "${which}": node, renderer or all`);
  return [which];
}

/** The newest file under dir (skipping node_modules and dot folders): {file, mtimeMs}, or null when empty or absent. */
function newestUnder(dir) {
  let best = null;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    const found = e.isDirectory() ? newestUnder(p) : e.isFile() ? { file: p, mtimeMs: fs.statSync(p).mtimeMs } : null;
    if (found && (!best || found.mtimeMs > best.mtimeMs)) best = found;
  }
  return best;
}

/** Why a part must be rebuilt ("no build yet", "main/cli/cliMain.ts changed since the last build"), or null when its build is fresh. */
function staleReason(root, name) {
  const part = parts[name];
  let stampMs;
  try {
    stampMs = fs.statSync(path.join(root, part.stamp)).mtimeMs;
  } catch {
    return 'no build yet';
  }
  if (!fs.existsSync(path.join(root, part.entry))) return `${part.entry} is missing`;
  const candidates = [
    ...part.dirs.map((d) => newestUnder(path.join(root, d))),
    ...part.files.map((f) => {
      try {
        return { file: path.join(root, f), mtimeMs: fs.statSync(path.join(root, f)).mtimeMs };
      } catch {
        return null;
      }
    }),
  ];
  const newer = candidates.filter((c) => c && c.mtimeMs > stampMs).sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
  return newer ? `${path.relative(root, newer.file).split(path.sep).join('/')} changed since the last build` : null;
}

/** Marks a part as built at `atMs` (default now): its stamp's mtime is what staleReason compares. */
function writeStamp(root, name, atMs = Date.now()) {
  const file = path.join(root, parts[name].stamp);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ part: name, builtAt: new Date(atMs).toISOString() })}\n`);
  fs.utimesSync(file, atMs / 1000, atMs / 1000);
}

/**
 * Rebuilds each stale part with its npm script, its output on stderr (stdout stays the
 * command's own, so `--json` output pipes cleanly). The stamp gets the time the build
 * started, so a source saved during the build makes the next start build again.
 * Returns the parts rebuilt; throws when a build fails.
 */
function ensureBuilt(which, { root = repoRoot, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const rebuilt = [];
  for (const name of partNames(which)) {
    const why = staleReason(root, name);
    if (why === null) continue;
    log(`latent: building the ${name} part (${why})…`);
    const started = Date.now();
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['run', '-s', parts[name].script], { cwd: root, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
    if (r.status !== 0) throw new Error(`the ${name} build failed (npm run ${parts[name].script}: ${r.error ? r.error.message : `exit ${r.status}`})`);
    writeStamp(root, name, started);
    rebuilt.push(name);
  }
  return rebuilt;
}

module.exports = { parts, staleReason, writeStamp, ensureBuilt, newestUnder };

if (require.main === module) {
  const [command, which = 'all'] = process.argv.slice(2);
  try {
    if (command === 'stamp') {
      for (const name of partNames(which)) writeStamp(repoRoot, name);
    } else if (command === 'check') {
      const stale = partNames(which).map((n) => [n, staleReason(repoRoot, n)]).filter(([, why]) => why !== null);
      for (const [n, why] of stale) process.stderr.write(`${n}: ${why}\n`);
      process.exitCode = stale.length > 0 ? 1 : 0;
    } else if (command === 'ensure') {
      ensureBuilt(which);
    } else {
      throw new Error('usage: buildFreshness.cjs ensure|check|stamp node|renderer|all');
    }
  } catch (e) {
    process.stderr.write(`latent: ${e.message}\n`);
    process.exitCode = 1;
  }
}
