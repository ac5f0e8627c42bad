/** What the GAN's run-page components read off a run: its config and whether it trains on a 2-D toy. Pure; no Vue. */
import type { GanConfig } from '../../../workers/common/families/gan/config';
import { ganToyOf } from '../../../workers/common/families/gan/charts';
import type { RunPanelProps } from '../runPanels';

/** The run's GAN config, once its detail has loaded. */
export function ganConfigOf(p: Pick<RunPanelProps, 'detail'>): GanConfig | undefined {
  const config = p.detail?.config;
  return config?.family === 'gan' ? config : undefined;
}

/** The 2-D toy the run trains on (hyper.toy), or undefined for images. */
export function runToy(p: Pick<RunPanelProps, 'run' | 'detail'>): string | undefined {
  return ganToyOf({ params: p.run.params, config: ganConfigOf(p) });
}

/** Whether the run trains on a 2-D toy (and so logs no images). */
export function isToyRun(p: Pick<RunPanelProps, 'run' | 'detail'>): boolean {
  return runToy(p) !== undefined;
}
