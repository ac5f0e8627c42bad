/** `serve` as a child process for the integration and e2e tests (shared with the browser benchmarks). */
export { attachServe, serveApi, serveEntry, startServe, type ServeProcess } from '../../bench/harness/serveChild';
