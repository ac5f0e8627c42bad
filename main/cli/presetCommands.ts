/**
 * `npx latent presets list|launch ID`: the families' ready experiments.
 * A launch queues every run of the preset in a new experiment and waits for
 * them all, a line per run as it ends (Ctrl-C cancels the ones left).
 */
import { ApiError, parseRequest } from '../common/api';
import type { AppServices } from '../services/appServices';
import { CliError, headlineText } from './commands';

export interface PresetsOptions {
  json: boolean;
}

export async function presetsCommand(s: AppServices, args: string[], o: PresetsOptions, out: NodeJS.WritableStream, usage: string): Promise<number> {
  const [sub, id] = args;
  const handlers = s.handlers;
  if (sub === 'list') {
    const list = await handlers['presets.list'](parseRequest('presets.list', {}));
    out.write(o.json ? `${JSON.stringify(list)}\n` : list.map((p) => `${p.id}  (${p.family}, ${p.runs} runs)  ${p.title}\n`).join(''));
    return 0;
  }
  if (sub !== 'launch') throw new CliError(`presets needs list or launch${sub ? `, not "${sub}"` : ''}\n${usage}`);
  if (!id) throw new CliError(`presets launch needs a ready experiment's id (presets list)\n${usage}`);
  let launched;
  try {
    launched = await handlers['presets.launch'](parseRequest('presets.launch', { id }));
  } catch (e) {
    if (e instanceof ApiError) throw new CliError(e.message, e.code === 'not-found' ? 2 : 1);
    throw e;
  }
  if (!o.json) out.write(`Experiment ${launched.experimentId} "${launched.experiment}": ${launched.runIds.length} runs queued; saved view ${launched.viewId}\n`);
  const onSigint = (): void => { for (const r of launched.runIds) { try { s.runs.cancel(r); } catch { /* already ended */ } } };
  process.on('SIGINT', onSigint);
  let failed = 0;
  try {
    await Promise.all(launched.runIds.map(async (runId) => {
      const status = await s.runs.waitForEnd(runId);
      if (status !== 'done') failed++;
      const r = s.runs.detail(runId);
      if (!o.json) out.write(`  run ${runId} ${r.name}: ${status}${r.error ? ` — ${r.error}` : ''}  ${headlineText(r)}\n`);
    }));
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (o.json) out.write(`${JSON.stringify({ ...launched, runs: launched.runIds.map((r) => { const d = s.runs.detail(r); return { id: r, name: d.name, status: d.status, latest: d.latest }; }) })}\n`);
  return failed === 0 ? 0 : 1;
}
