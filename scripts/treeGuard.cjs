// Proves a command sequence leaves the git checkout as it found it: `npm test` must
// not modify tracked files (nor leave new files that git does not ignore).
//   node scripts/treeGuard.cjs record   before: notes every changed, deleted or untracked
//                                       file with a hash of its content;
//   node scripts/treeGuard.cjs check    after: fails, naming the files, if that changed.
// Recording the starting state (rather than demanding a clean tree) lets a developer run
// `npm test` with uncommitted work. Outside a git checkout it does nothing.
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const recordFile = path.join(root, 'test-results', 'tree-before-tests.json');

function git(args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

function isCheckout() {
  try { return git(['rev-parse', '--is-inside-work-tree']).trim() === 'true'; } catch { return false; }
}

/** Every file that differs from the index or is untracked and not ignored, with its content hash. */
function snapshot() {
  const list = (args) => git(args).split('\0').filter(Boolean);
  const files = [...new Set([...list(['ls-files', '-z', '--modified', '--deleted']), ...list(['ls-files', '-z', '--others', '--exclude-standard'])])].sort();
  const state = {};
  for (const f of files) {
    const full = path.join(root, f);
    state[f] = fs.existsSync(full) && fs.statSync(full).isFile() ? crypto.createHash('sha1').update(fs.readFileSync(full)).digest('hex') : 'not a file';
  }
  return state;
}

const command = process.argv[2];
if (!isCheckout()) {
  console.log('treeGuard: not a git checkout, nothing to check');
  process.exit(0);
}
if (command === 'record') {
  fs.mkdirSync(path.dirname(recordFile), { recursive: true });
  fs.writeFileSync(recordFile, JSON.stringify(snapshot()));
} else if (command === 'check') {
  if (!fs.existsSync(recordFile)) {
    console.error(`treeGuard: ${path.relative(root, recordFile)} is missing: run "treeGuard record" before the tests`);
    process.exit(1);
  }
  const before = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
  const after = snapshot();
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => before[f] !== after[f]).sort();
  if (changed.length > 0) {
    console.error(`The tests changed files in the checkout (write into an ignored folder such as test-results/ instead):\n  ${changed.join('\n  ')}`);
    process.exit(1);
  }
  console.log('treeGuard: the checkout is as the tests found it');
} else {
  console.error('usage: node scripts/treeGuard.cjs record|check');
  process.exit(2);
}
