/**
 * Gathers what main/common/gpuDiagnosis.ts judges: the NVIDIA driver's
 * /proc file, nvidia-smi's csv (with a timeout: a wedged driver can hang it),
 * `ldconfig -p`, and the CUDA/cuDNN library files in LD_LIBRARY_PATH (Linux)
 * or PATH (Windows). Nothing is loaded; a command that is missing or fails
 * leaves its fact undefined or null, which the diagnosis words.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gpuRequirements, type GpuFacts } from '../common/gpuDiagnosis';

const commandTimeoutMs = 10_000;

interface CommandResult { stdout?: string; missing?: boolean; error?: string }

function run(command: string, args: readonly string[]): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: commandTimeoutMs, encoding: 'utf8', windowsHide: true }, (error, stdout) => {
      if (!error) { resolve({ stdout }); return; }
      if (error.code === 'ENOENT') resolve({ missing: true });
      else resolve({ error: error.killed ? `no answer within ${commandTimeoutMs / 1000} s` : error.message.split('\n')[0] ?? 'failed' });
    });
  });
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The wanted library files present in the folders of a PATH-like variable. */
function librariesIn(pathList: string | undefined, wanted: readonly string[]): string[] {
  const dirs = (pathList ?? '').split(path.delimiter).filter((d) => d !== '');
  return wanted.filter((file) => dirs.some((d) => fs.existsSync(path.join(d, file))));
}

async function ldconfig(): Promise<string | undefined> {
  for (const command of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    const r = await run(command, ['-p']);
    if (r.stdout !== undefined) return r.stdout;
  }
  return undefined;
}

export async function gatherGpuFacts(platform: string = process.platform, env: NodeJS.ProcessEnv = process.env): Promise<GpuFacts> {
  const facts: GpuFacts = { platform };
  if (platform !== 'linux' && platform !== 'win32') return facts;
  const smi = await run('nvidia-smi', ['--query-gpu=name,driver_version,compute_cap', '--format=csv,noheader']);
  // null: not on PATH; '' with an error: there, but it failed.
  facts.nvidiaSmiCsv = smi.missing ? null : (smi.stdout ?? '');
  if (smi.error) facts.nvidiaSmiError = smi.error;
  if (platform === 'linux') {
    facts.procDriverVersion = readIfExists('/proc/driver/nvidia/version');
    const lib = await ldconfig();
    if (lib !== undefined) facts.ldconfig = lib;
    facts.libraryFiles = librariesIn(env['LD_LIBRARY_PATH'], Object.values(gpuRequirements.libraries.linux));
  } else {
    facts.libraryFiles = librariesIn(env['PATH'] ?? env['Path'], Object.values(gpuRequirements.libraries.win32));
  }
  return facts;
}
