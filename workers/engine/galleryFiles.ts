/**
 * Where gallery artifacts go under a run directory:
 * `${runDir}/gallery/<kind>/step-NNNNNNN.<ext>` during training,
 * `${runDir}/gallery/<kind>/analysis-<timestamp>.<ext>` for on-demand analyses.
 */
import { mkdirPrivate, writePrivateFile } from './privateFiles';
import { dirname, join } from 'node:path';

export function stepArtifactPath(runDir: string, kind: string, step: number, ext: 'png' | 'json'): string {
  return join(runDir, 'gallery', kind, `step-${String(step).padStart(7, '0')}.${ext}`);
}

export function analysisArtifactPath(runDir: string, kind: string, timestamp: number, ext: 'png' | 'json'): string {
  return join(runDir, 'gallery', kind, `analysis-${timestamp}.${ext}`);
}

export async function writeJsonArtifact(file: string, data: unknown): Promise<void> {
  await mkdirPrivate(dirname(file));
  await writePrivateFile(file, `${JSON.stringify(data)}\n`);
}
