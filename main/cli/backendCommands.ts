/**
 * `npx latent backends`: the Settings page's backend diagnostics in a
 * terminal. Each backend is loaded in its own short-lived process; those that
 * did not load show the error their package threw, then what the GPU build
 * (tfjs-node-gpu) needs and what this machine lacks.
 */
import type { BackendDiagnostics } from '../common/backendDiagnostics';
import type { AppServices } from '../services/appServices';

const levelMark = { ok: 'ok   ', info: 'info ', warn: 'WARN ', error: 'ERROR' } as const;

export function formatBackendDiagnostics(d: BackendDiagnostics): string {
  const width = Math.max(...d.backends.map((b) => b.backend.length));
  const lines = d.backends.map((b) => {
    const state = b.loaded ? `loaded${b.node ? ` (Node ${b.node})` : ''}` : b.installed ? 'did not load' : 'not installed';
    const head = `${b.backend.padEnd(width)}  ${state}`;
    return b.error && !b.loaded ? `${head}\n${b.error.split('\n').map((l) => `${' '.repeat(width + 2)}${l}`).join('\n')}` : head;
  });
  const gpu = d.gpu.findings.map((f) => `  ${levelMark[f.level]} ${f.message}`);
  return `${lines.join('\n')}\n\nGPU build: ${d.gpu.requirements}\n${gpu.join('\n')}\n`;
}

export async function backendsCommand(s: AppServices, json: boolean, out: NodeJS.WritableStream): Promise<number> {
  const d = await s.handlers['system.backends']({});
  out.write(json ? `${JSON.stringify(d)}\n` : formatBackendDiagnostics(d));
  return 0;
}
