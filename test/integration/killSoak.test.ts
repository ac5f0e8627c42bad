/**
 * Issue 16's kill soak, short form (the long one: bench/killSoak.ts): 20
 * SIGKILLs of the real CLI (`train`, then `resume` of the same run, chained),
 * 10 on worker-thread hosts and 10 on child-process hosts, at moments chosen
 * by mulberry32(16) across start, mid-epoch, evaluation and checkpoint write.
 * After every kill: integrity_check 'ok', no acknowledged point lost, no
 * (key, step) twice, no step missing, the child host gone, and the next CLI
 * start marks the run interrupted. MNIST 2,000/4,000, batch 16, wasm.
 * What each check reads is in bench/harness/killSoak.ts and killSoakProbe.ts.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKillSoak, soakConfig } from '../../bench/harness/killSoak';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

describe('20 SIGKILLs of the training CLI', () => {
  it('lose no acknowledged point, write no step twice, leave no gap, and every run resumes', async () => {
    requireBuilt();
    const lines: string[] = [];
    const r = await runKillSoak({
      cli: path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js'), dataDir: tempDir('latent-kill-soak-'),
      kills: 20, seed: 16, hosts: ['thread', 'process'], config: soakConfig, log: (line) => { lines.push(line); },
    });
    const failures = r.records.filter((k) => k.integrity !== 'ok' || k.lost + k.duplicated + k.gaps > 0 || !k.interrupted || k.orphan);
    expect(failures, lines.join('\n')).toEqual([]);
    expect(r.kills).toBe(20);
    expect(r.perHost).toEqual({ thread: 10, process: 10 });
    for (const phase of ['start', 'mid-epoch', 'evaluation', 'checkpoint'] as const) expect(r.perPhase[phase], phase).toBeGreaterThan(0);
    // Most kills hit a resumed process: the chain across resumes is what is tested.
    expect(r.resumedKills).toBeGreaterThanOrEqual(14);
    expect(r.acknowledgedPoints).toBeGreaterThan(0);
  }, 300_000);
});
