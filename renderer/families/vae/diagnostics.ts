/**
 * A VAE run's diagnostics: KL per latent dimension (the kl_dim/<i> metrics)
 * and posterior collapse (too few active units for the latent size). Pure;
 * no Vue.
 */
import { collapseThreshold, isCollapsed } from '../../../workers/common/gallery';
import type { RunPanelProps } from '../runPanels';

/** Number of the kl_dim/<i> key, or null. */
export function klDimIndex(key: string): number | null {
  const m = /^kl_dim\/(\d+)$/.exec(key);
  return m ? Number(m[1]) : null;
}

/** KL per latent dimension from the latest values, by dimension index. */
export function klPerDimension(latest: (key: string) => number | undefined, keys: readonly string[]): { dim: number; kl: number }[] {
  const out: { dim: number; kl: number }[] = [];
  for (const key of keys) {
    const dim = klDimIndex(key);
    if (dim === null) continue;
    const v = latest(key);
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ dim, kl: v });
  }
  return out.sort((a, b) => a.dim - b.dim);
}

export interface CollapseStatus {
  latentDim: number;
  activeUnits: number;
  threshold: number;
  collapsed: boolean;
}

/** Posterior-collapse status once the run has reported active units; null before. */
export function collapseStatus(latentDim: unknown, activeUnits: number | undefined): CollapseStatus | null {
  if (typeof latentDim !== 'number' || !Number.isInteger(latentDim) || latentDim < 1) return null;
  if (typeof activeUnits !== 'number' || !Number.isFinite(activeUnits)) return null;
  return { latentDim, activeUnits, threshold: collapseThreshold(latentDim), collapsed: isCollapsed(latentDim, activeUnits) };
}

/** A VAE run's latent size: its params', else its config's. */
export function vaeLatentDim(p: Pick<RunPanelProps, 'run' | 'detail'>): number | undefined {
  const fromParams = p.run.params['latentDim'];
  if (typeof fromParams === 'number') return fromParams;
  const cfg = p.detail?.config;
  return cfg?.family === 'vae' ? cfg.hyper.latentDim : undefined;
}

/** The run's collapse status from its latent size and latest active units. */
export function runCollapseStatus(p: Pick<RunPanelProps, 'run' | 'detail' | 'metrics'>): CollapseStatus | null {
  return collapseStatus(vaeLatentDim(p), p.metrics.latest('active_units'));
}
