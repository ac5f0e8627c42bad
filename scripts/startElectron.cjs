// `npm start`: opens the desktop app. Electron comes first, before any build: its binary is
// not downloaded at npm install time (its install script is not allowed to run), so the
// first start fetches it once; where that cannot work (no binary and no download, or
// ELECTRON_SKIP_BINARY_DOWNLOAD set) the start stops at once with one message that points
// to serve mode, instead of building for a minute and then printing a stack trace.
// With Electron there, only the parts of the build whose sources changed are rebuilt.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ensureBuilt } = require('./buildFreshness.cjs');

const root = path.resolve(__dirname, '..');

/** The Electron executable's path when it is on disk, else undefined (electron's index.js throws without its path.txt). */
function electronBinary() {
  try {
    delete require.cache[require.resolve('electron')];
    const bin = require('electron');
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** Fetches the binary with electron's own installer, its output kept; returns why it failed, or null. */
function downloadElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set';
  process.stderr.write('Downloading the Electron binary (first start only)…\n');
  const r = spawnSync(process.execPath, [require.resolve('electron/install.js')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status === 0) return null;
  // The installer's first line says what went wrong ("RequestError: getaddrinfo ENOTFOUND github.com"); its stack is noise here.
  const first = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim()).find((l) => l !== '');
  return first ?? (r.error ? r.error.message : `the installer exited with ${r.status}`);
}

function main() {
  let bin = electronBinary();
  if (bin === undefined) {
    const why = downloadElectron();
    bin = why === null ? electronBinary() : undefined;
    if (bin === undefined) {
      process.stderr.write(`Electron is not installed here (${why ?? 'the download left no binary'}), so the desktop app cannot start.\nRun the same app in your browser instead: npm run serve\n`);
      return 1;
    }
  }
  try {
    ensureBuilt('all');
  } catch (e) {
    process.stderr.write(`latent: ${e.message}\n`);
    return 1;
  }
  const child = spawn(bin, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  return undefined;
}

const code = main();
if (code !== undefined) process.exitCode = code;
