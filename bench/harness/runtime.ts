/**
 * What every training benchmark does first and records last: select the
 * backend it was asked for (with the workbench's wasm / cpu kernels), and
 * describe the machine it ran on for the results JSON.
 */
import { cpus, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, BackendName } from '../../workers/common/protocol';
import { prepareTrainingBackend } from '../../workers/engine/trainingBackend';

/** Select `choice` (a --backend value) and register the kernels the workbench adds to it. */
export async function prepareBackend(choice: string | undefined): Promise<BackendName> {
  const selection = await prepareTrainingBackend((choice ?? 'wasm') as BackendChoice); // as runHost prepares a run's
  return selection.backend;
}

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  total_mem_gb: number;
  node_version: string;
  platform: string;
  tfjs_version: string;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpu_model: cpu[0]?.model ?? 'unknown', cores: cpu.length, total_mem_gb: Number((totalmem() / 2 ** 30).toFixed(1)),
    node_version: process.version, platform: `${process.platform}-${process.arch}`, tfjs_version: tf.version.tfjs,
  };
}
