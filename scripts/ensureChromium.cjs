// Makes sure a Chromium for the end-to-end tests is on this machine: Debian's
// package through apt-get when it is missing (the tests cannot download one).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
const found = candidates.find((p) => fs.existsSync(p));
if (found) {
  console.log(`Chromium for end-to-end tests: ${found}`);
  process.exit(0);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = isRoot ? [] : ['sudo'];
console.log('Chromium is missing: installing Debian\'s chromium package with apt-get (needed by the end-to-end tests)...');
try {
  const run = (args) => execFileSync(sudo.length ? 'sudo' : args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'chromium']);
} catch (e) {
  console.error(`Could not install Chromium (${e.message}). Install it yourself (apt-get install chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}
