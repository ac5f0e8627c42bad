/**
 * `npm run serve`: the workbench in a browser. Starts the services on a data
 * directory and serves the API and the built renderer on 127.0.0.1.
 *   --data DIR   data directory (default: LATENT_DATA or ~/.latent-workbench)
 *   --port N     port (default 5317; 0 picks a free one)
 *   --token-file PATH  access token read from a file (trimmed)
 *   --token T    access token; visible to other users in the process list, so
 *                prefer LATENT_TOKEN or --token-file (default: a random one)
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../services/appInfo';
import { createServices, defaultDataDir } from '../services/appServices';
import { startServer } from './httpServer';
import { resolveServeToken } from './serveToken';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
    },
    strict: true,
  });
  const dataDir = values.data ? path.resolve(values.data) : defaultDataDir();
  const port = values.port !== undefined ? Number(values.port) : Number(process.env['LATENT_PORT'] ?? 5317);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${values.port ?? ''}"`);
  const token = resolveServeToken({ flag: values.token, file: values['token-file'], env: process.env, warn: (m) => console.error(m) });
  const services = createServices({ dataDir });
  if (services.interruptedAtStart.length > 0) {
    console.log(`Marked ${services.interruptedAtStart.length} run(s) left running by a crash as interrupted: ${services.interruptedAtStart.join(', ')}`);
  }
  const server = await startServer({ services, token, port, rendererDir: path.join(appRoot, 'dist', 'renderer') });
  console.log(`Latent Workbench: data in ${dataDir}`);
  console.log(`Open ${server.url}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping: running runs are marked interrupted and can be resumed from their last checkpoint.');
    void server.close().then(() => services.close()).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`latent serve: ${(e as Error).message}`);
  process.exit(1);
});
