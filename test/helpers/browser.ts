/** The e2e tests' Chromium (shared with the browser benchmarks). */
export { chromiumPath, launchBrowser } from '../../bench/harness/chromium';
