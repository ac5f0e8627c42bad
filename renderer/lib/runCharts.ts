/**
 * What the run page plots for each family: the per-epoch charts with their
 * headline metrics, and the VAE's diagnostics (KL per latent dimension,
 * active units, posterior collapse). Pure; no Vue.
 */
import type { Family } from '../../workers/common/runConfig';
import { collapseThreshold, isCollapsed } from '../../workers/common/gallery';
import type { ParamValue } from '../../main/common/domain';

export interface ChartKey { key: string; label: string }

export interface EpochChartSpec {
  testId: string;
  title: string;
  xName: string;
  yName: string;
  percent: boolean;
  keys: ChartKey[];
}

const k = (key: string, label = key): ChartKey => ({ key, label });

/** Keys of the stacked autoencoder's per-layer pre-training losses, by layer. */
export function pretrainKeys(metricKeys: readonly string[]): string[] {
  return metricKeys
    .filter((key) => /^pretrain_loss\/layer\d+$/.test(key))
    .sort((a, b) => Number(a.slice(a.lastIndexOf('r') + 1)) - Number(b.slice(b.lastIndexOf('r') + 1)));
}

/** The per-step loss chart's series: the loss, with a VAE's two terms or the contractive penalty (per batch). */
export function stepLossKeys(family: Family | string, params: Record<string, ParamValue> = {}): ChartKey[] {
  if (family === 'vae') return [k('loss'), k('reconstruction'), k('kl')];
  if (family === 'autoencoder' && params['variant'] === 'contractive') return [k('loss'), k('contractive_penalty')];
  return [k('loss')];
}

/** Whether the run trains step by step (a per-step loss chart makes sense). */
export function hasStepLoss(family: Family | string): boolean {
  return family !== 'pca';
}

/**
 * The per-epoch charts of a family. The first is the headline chart:
 * `accuracy-chart` for the classifier, `epoch-chart` for the others.
 */
export function epochCharts(family: Family | string, params: Record<string, ParamValue>, metricKeys: readonly string[] = []): EpochChartSpec[] {
  switch (family) {
    case 'classifier':
      return [{ testId: 'accuracy-chart', title: 'Accuracy per epoch', xName: 'epoch', yName: 'accuracy', percent: true, keys: [k('accuracy'), k('val_accuracy'), k('test_accuracy')] }];
    case 'autoencoder': {
      const keys = [k('test_mse')];
      if (params['variant'] === 'denoising') {
        keys.push(k('test_noisy_input_mse', 'test_noisy_input_mse (the noisy input itself)'), k('test_mse_clean_input', 'test_mse_clean_input (from clean input)'));
      }
      const charts: EpochChartSpec[] = [
        { testId: 'epoch-chart', title: 'Test reconstruction error per epoch', xName: 'epoch', yName: 'MSE', percent: false, keys },
        { testId: 'epoch-loss-chart', title: 'Loss per epoch', xName: 'epoch', yName: 'loss', percent: false, keys: [k('epoch_loss'), k('val_loss')] },
      ];
      const pre = pretrainKeys(metricKeys);
      if (pre.length) {
        charts.push({ testId: 'pretrain-chart', title: 'Layer-wise pre-training', xName: 'epoch', yName: 'loss', percent: false, keys: pre.map((p) => k(p, p.replace('pretrain_loss/', ''))) });
      }
      return charts;
    }
    case 'pca':
      return [{ testId: 'epoch-chart', title: 'Reconstruction error', xName: 'step', yName: 'MSE', percent: false, keys: [k('test_mse'), k('train_mse')] }];
    case 'vae':
      return [
        { testId: 'epoch-chart', title: 'ELBO per epoch (nats)', xName: 'epoch', yName: 'ELBO', percent: false, keys: [k('elbo')] },
        { testId: 'vae-terms-chart', title: 'Test reconstruction and KL per epoch (nats)', xName: 'epoch', yName: 'nats', percent: false, keys: [k('test_reconstruction', 'reconstruction'), k('test_kl', 'kl')] },
      ];
    default:
      return [];
  }
}

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

/** Metric keys the "latest metrics" panel leaves out (shown by a dedicated chart). */
export function isDetailMetric(key: string): boolean {
  return klDimIndex(key) !== null;
}
