// Makes sure the Debian packages the tests need are on this machine, installing
// the missing ones through apt-get (the tests cannot download anything else):
//   chromium               for the end-to-end tests (unless CHROMIUM_PATH names one);
//   dataset-fashion-mnist  Fashion-MNIST's IDX files, which the dataset import tests import.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
const chromium = candidates.find((p) => fs.existsSync(p));
const fashionMnist = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';

const missing = [];
if (chromium) console.log(`Chromium for end-to-end tests: ${chromium}`);
else missing.push('chromium');
if (fs.existsSync(fashionMnist)) console.log(`Fashion-MNIST for the dataset import tests: ${fashionMnist}`);
else missing.push('dataset-fashion-mnist');
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = isRoot ? [] : ['sudo'];
console.log(`Missing Debian packages: installing ${missing.join(', ')} with apt-get (needed by the tests)...`);
try {
  const run = (args) => execFileSync(sudo.length ? 'sudo' : args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', ...missing]);
} catch (e) {
  console.error(`Could not install ${missing.join(', ')} (${e.message}). Install ${missing.length > 1 ? 'them' : 'it'} yourself (apt-get install ${missing.join(' ')})${missing.includes('chromium') ? ' or set CHROMIUM_PATH' : ''}.`);
  process.exit(1);
}
