/**
 * The write fence's words (issue 16, point 2): what a process says when it
 * finds a run it trains is no longer its own — another process took it for
 * gone (its lease's heartbeat came too late: a suspended laptop, a process
 * stopped with SIGSTOP, a long stall) and marked the run interrupted, and
 * perhaps resumed it since. The process then stops that run's training and
 * writes nothing more into it (RunSession, Store.writeIfOwned).
 */
import { describeOwner } from '../../db/runOwner';
import type { RunLoss } from '../../db/storeTypes';

const WHY = 'another process took this one for gone (its heartbeat was too late: was it suspended or hung?)';

/** The warning printed (console) when a run is found taken over; names who has it and what to do. */
export function takenOverMessage(runId: number, loss: RunLoss): string {
  const stopped = 'This process stopped its training and writes nothing more into it';
  switch (loss.kind) {
    case 'taken':
      return `Run ${runId} was taken over by ${loss.owner === null ? 'another process' : describeOwner(loss.owner)}: ${WHY}, and the run was resumed there. ${stopped}.`;
    case 'ended':
      return `Run ${runId} was marked ${loss.status} by another process: ${WHY}. ${stopped}; resume it to continue from its last checkpoint.`;
    case 'deleted':
      return `Run ${runId} was deleted by another process while this one trained it. ${stopped}.`;
  }
}
