// `npm start`: opens the desktop app. Electron's binary is not downloaded at
// npm install time (its install script is not allowed to run); it is fetched
// here, once, the first time the app is started.
const { spawn, execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
function electronPath() {
  try {
    return require('electron');
  } catch {
    return undefined;
  }
}
let bin = electronPath();
if (typeof bin !== 'string') {
  console.log('Downloading the Electron binary (first start only)...');
  try {
    execFileSync(process.execPath, [require.resolve('electron/install.js')], { stdio: 'inherit' });
  } catch (e) {
    console.error(`Could not download Electron (${e.message}).\nWithout Electron, run the same app in a browser: npm run serve`);
    process.exit(1);
  }
  delete require.cache[require.resolve('electron')];
  bin = electronPath();
}
const child = spawn(bin, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
