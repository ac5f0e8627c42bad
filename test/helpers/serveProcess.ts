/** `serve` as a child process for the integration and e2e tests (shared with the browser benchmarks). */
export { serveApi, startServe, type ServeProcess } from '../../bench/harness/serveChild';
