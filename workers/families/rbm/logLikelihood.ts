/**
 * The RBM's average test log-likelihood, −mean F(v) − log Z, with log Z exact
 * (≤ 20 hidden units: exactLogPartition.ts) or estimated by AIS (ais.ts),
 * and when a run measures it (`hyper.logLikelihood`): 'auto' is every epoch
 * when the sum is exact and never otherwise (AIS costs minutes for a large
 * model), 'epoch' every epoch, 'end' after the last epoch, 'off' never.
 */
import type { AisEstimate } from './ais';
import { aisLogPartition } from './ais';
import { exactLogPartition, MAX_EXACT_HIDDEN } from './exactLogPartition';
import type { RbmParams } from './rbm';

export type LogLikelihoodMode = 'auto' | 'epoch' | 'end' | 'off';

/** Whether epoch `epoch` (1-based) of `epochs` measures the log-likelihood. */
export function logLikelihoodDue(mode: LogLikelihoodMode, numHidden: number, epoch: number, epochs: number): boolean {
  switch (mode) {
    case 'auto': return numHidden <= MAX_EXACT_HIDDEN;
    case 'epoch': return true;
    case 'end': return epoch === epochs;
    case 'off': return false;
  }
}

export interface LogLikelihoodSettings {
  aisRuns: number;
  aisSteps: number;
  seed: number;
  /** AIS's base model: the visible biases of the data's base rates. */
  baseVisibleBias: Float32Array;
}

export interface ModelLogLikelihood {
  /** Average log-likelihood per image, nats. */
  value: number;
  logZ: number;
  method: 'exact' | 'ais';
  /** The AIS estimate (its standard error is the value's: F(v) is exact). */
  ais?: AisEstimate;
  /** Says which and how sure, for the run's log. */
  label: string;
}

/** −meanFreeEnergy − log Z, exactly when the RBM has ≤ 20 hidden units, else by AIS. */
export function modelLogLikelihood(p: RbmParams, meanFreeEnergy: number, s: LogLikelihoodSettings): ModelLogLikelihood {
  const hidden = p.hiddenBias.shape[0]!;
  if (hidden <= MAX_EXACT_HIDDEN) {
    const logZ = exactLogPartition(p);
    return { value: -meanFreeEnergy - logZ, logZ, method: 'exact', label: `exact (log Z summed over all 2^${hidden} hidden states)` };
  }
  const ais = aisLogPartition(p, { runs: s.aisRuns, steps: s.aisSteps, seed: s.seed, baseVisibleBias: s.baseVisibleBias });
  const value = -meanFreeEnergy - ais.logZ;
  return {
    value, logZ: ais.logZ, method: 'ais', ais,
    label: `AIS estimate ± ${ais.se.toFixed(2)} (standard error of log Ẑ; ${ais.runs} runs × ${ais.steps} steps, effective sample size ${ais.effectiveSampleSize.toFixed(1)}; ±3 sd: ${(-meanFreeEnergy - ais.logZHigh3sd).toFixed(2)} to ${Number.isFinite(ais.logZLow3sd) ? (-meanFreeEnergy - ais.logZLow3sd).toFixed(2) : 'unbounded: the weights are too heavy-tailed, use more steps'})`,
  };
}
