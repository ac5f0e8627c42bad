/**
 * The one training loop every family uses: epochs of batches, a yield to the
 * event loop after each batch (so a 'cancel' message is seen within one
 * batch), a finite-loss check, and callbacks. Only the step differs per family.
 */

export interface BatchInfo {
  /** 1-based epoch. */
  epoch: number;
  /** 0-based index of the batch within its epoch. */
  batchIndex: number;
  /** 1-based global step (batches done so far, over all epochs, including this one). */
  step: number;
}

export interface BatchResult {
  /** The loss checked for NaN/Infinity. */
  loss: number;
  /** Other values the step computed (e.g. d_loss, g_loss). */
  values?: Record<string, number>;
}

export interface TrainLoopOptions {
  epochs: number;
  stepsPerEpoch: number;
  /** Epochs already completed (when resuming). */
  startEpoch?: number;
  /** Global steps already completed (when resuming). */
  startStep?: number;
  /** Named in the divergence message. */
  learningRate?: number;
  runBatch(info: BatchInfo): Promise<BatchResult> | BatchResult;
  onEpochStart?(epoch: number): Promise<void> | void;
  onBatchEnd?(info: BatchInfo, result: BatchResult): Promise<void> | void;
  onEpochEnd?(epoch: number, step: number): Promise<void> | void;
  isCancelled(): boolean;
}

export interface TrainLoopResult {
  status: 'completed' | 'cancelled';
  /** Epochs fully completed. */
  epochsDone: number;
  step: number;
}

/**
 * A loss stopped being finite. `network` names which one when a family has
 * several (a GAN's 'Discriminator' or 'Generator'); the hint names the
 * learning rate that most often causes it.
 */
export class LossNotFiniteError extends Error {
  constructor(readonly loss: number, readonly epoch: number, readonly step: number, learningRate?: number, readonly network?: string) {
    const what = Number.isNaN(loss) ? 'NaN' : loss > 0 ? 'Infinity' : '-Infinity';
    const rate = network === undefined ? 'learning rate' : `the ${network.toLowerCase()} learning rate`;
    const hint = learningRate === undefined ? '' : ` (${rate} ${learningRate} may be too high)`;
    super(`${network === undefined ? 'Loss' : `${network} loss`} became ${what} at epoch ${epoch}, step ${step}${hint}`);
    this.name = 'LossNotFiniteError';
  }
}

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function trainLoop(o: TrainLoopOptions): Promise<TrainLoopResult> {
  let step = o.startStep ?? 0;
  let epochsDone = o.startEpoch ?? 0;
  for (let epoch = epochsDone + 1; epoch <= o.epochs; epoch++) {
    await o.onEpochStart?.(epoch);
    for (let batchIndex = 0; batchIndex < o.stepsPerEpoch; batchIndex++) {
      await yieldToEventLoop();
      if (o.isCancelled()) return { status: 'cancelled', epochsDone, step };
      const info: BatchInfo = { epoch, batchIndex, step: step + 1 };
      const result = await o.runBatch(info);
      if (!Number.isFinite(result.loss)) throw new LossNotFiniteError(result.loss, epoch, info.step, o.learningRate);
      step = info.step;
      await o.onBatchEnd?.(info, result);
    }
    await o.onEpochEnd?.(epoch, step);
    epochsDone = epoch;
  }
  await yieldToEventLoop();
  if (o.isCancelled() && epochsDone < o.epochs) return { status: 'cancelled', epochsDone, step };
  return { status: 'completed', epochsDone, step };
}
