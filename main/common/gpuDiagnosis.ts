/**
 * What tfjs-node-gpu 4.22 needs from a machine, and the words that say what is
 * missing. Pure: the facts (file contents and command output, in the formats
 * the system prints them) are gathered by main/services/gpuFacts.ts.
 *
 * tfjs-node-gpu 4.22 binds TensorFlow 2.9.1 built for CUDA 11.2 and cuDNN 8.1
 * (maintainer, tensorflow/tfjs#8362). CUDA 11.x runs on any driver of the 11.x
 * family from 450.80.02 (Linux) / 452.39 (Windows) on, by CUDA minor version
 * compatibility (CUDA 11 release notes, minimum driver table). TensorFlow 2.9
 * ships kernels up to compute capability 8.6 plus PTX: a newer GPU (8.9: RTX
 * 40xx, L4; 9.0: H100) JIT-compiles that PTX at start, for minutes, and users
 * report it slower than the CPU build (tensorflow/tfjs#8509).
 */

export const gpuRequirements = {
  tensorflow: '2.9.1',
  cuda: '11.2',
  cudnn: '8.1',
  driverLinux: '450.80.02',
  driverWindows: '452.39',
  /** The libraries TensorFlow 2.9 opens by name. */
  libraries: {
    linux: { cudart: 'libcudart.so.11.0', cudnn: 'libcudnn.so.8' },
    win32: { cudart: 'cudart64_110.dll', cudnn: 'cudnn64_8.dll' },
  },
  /** TensorFlow 2.9's oldest GPU; GPUs from this capability on get PTX JIT-compiled at start. */
  minComputeCapability: 3.5,
  jitComputeCapability: 8.9,
} as const;

export const gpuRequirementText = `tfjs-node-gpu 4.22 runs TensorFlow ${gpuRequirements.tensorflow} and needs CUDA ${gpuRequirements.cuda}, cuDNN ${gpuRequirements.cudnn} `
  + `and an NVIDIA driver ≥ ${gpuRequirements.driverLinux} (Linux) or ≥ ${gpuRequirements.driverWindows} (Windows); no macOS build has CUDA.`;

/** What main/services/gpuFacts.ts found; undefined means "could not look". */
export interface GpuFacts {
  platform: string;
  /** /proc/driver/nvidia/version (Linux), null when the file does not exist. */
  procDriverVersion?: string | null;
  /** stdout of `nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader`, null when nvidia-smi is not on PATH. */
  nvidiaSmiCsv?: string | null;
  /** Why nvidia-smi failed when it was there (timeout, non-zero exit). */
  nvidiaSmiError?: string;
  /** stdout of `ldconfig -p` (Linux). */
  ldconfig?: string;
  /** Library file names found in the folders of LD_LIBRARY_PATH (Linux) or PATH (Windows). */
  libraryFiles?: readonly string[];
}

export type FindingLevel = 'ok' | 'info' | 'warn' | 'error';
export interface GpuFinding { level: FindingLevel; message: string }

export interface NvidiaGpu { name: string; driver: string; computeCapability: number | null }

/** The driver version in /proc/driver/nvidia/version ("… Kernel Module  535.154.05  …", also "Open Kernel Module for x86_64  550.54.14"). */
export function parseProcDriverVersion(text: string): string | undefined {
  return /Kernel Module(?: for \S+)?\s+(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}

/** One GPU per line of nvidia-smi's csv (name, driver_version, compute_cap); the name may hold commas, so fields are taken from the right. */
export function parseNvidiaSmiCsv(csv: string): NvidiaGpu[] {
  return csv.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '').flatMap((line) => {
    const parts = line.split(',').map((p) => p.trim());
    if (parts.length < 3) return [];
    const cap = Number(parts.at(-1));
    const driver = parts.at(-2) ?? '';
    if (!/^\d+\.\d+/.test(driver)) return [];
    return [{ name: parts.slice(0, -2).join(', '), driver, computeCapability: Number.isFinite(cap) && cap > 0 ? cap : null }];
  });
}

/** Numeric, part by part ("450.80.02" < "450.102.04"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** `ldconfig -p` lists "\tlibcudart.so.11.0 (libc6,x86-64) => /usr/local/cuda/lib64/libcudart.so.11.0". */
export function ldconfigHas(ldconfig: string, library: string): boolean {
  return ldconfig.split('\n').some((l) => l.trim().split(' ')[0] === library);
}

function driverFindings(facts: GpuFacts, gpus: readonly NvidiaGpu[], minimum: string): GpuFinding[] {
  const fromProc = facts.procDriverVersion ? parseProcDriverVersion(facts.procDriverVersion) : undefined;
  const driver = fromProc ?? gpus[0]?.driver;
  if (!driver) {
    const looked = facts.platform === 'linux' ? 'no /proc/driver/nvidia/version, and nvidia-smi' : 'nvidia-smi';
    const smi = facts.nvidiaSmiCsv === null ? 'is not on PATH' : facts.nvidiaSmiError ? `failed (${facts.nvidiaSmiError})` : 'listed no GPU';
    return [{ level: 'error', message: `No NVIDIA driver found (${looked} ${smi}): tfjs-node-gpu needs an NVIDIA GPU with driver ≥ ${minimum}.` }];
  }
  if (compareVersions(driver, minimum) < 0) {
    return [{ level: 'error', message: `NVIDIA driver ${driver} is too old: CUDA ${gpuRequirements.cuda} needs ≥ ${minimum}. Update the driver.` }];
  }
  return [{ level: 'ok', message: `NVIDIA driver ${driver} (≥ ${minimum}, enough for CUDA ${gpuRequirements.cuda}).` }];
}

function libraryFindings(facts: GpuFacts, names: { cudart: string; cudnn: string }): GpuFinding[] {
  const where = facts.platform === 'win32' ? 'on PATH' : 'by ldconfig -p or in LD_LIBRARY_PATH';
  const wanted: [string, string][] = [[names.cudart, `the CUDA ${gpuRequirements.cuda} runtime`], [names.cudnn, `cuDNN ${gpuRequirements.cudnn}`]];
  if (facts.platform === 'linux' && facts.ldconfig === undefined && facts.libraryFiles === undefined) {
    return [{ level: 'warn', message: `Could not run ldconfig -p to look for ${names.cudart} and ${names.cudnn}.` }];
  }
  return wanted.map(([file, what]) => {
    const found = (facts.libraryFiles ?? []).includes(file) || (facts.ldconfig !== undefined && ldconfigHas(facts.ldconfig, file));
    return found
      ? { level: 'ok', message: `${file} (${what}) found ${where}.` }
      : { level: 'error', message: `${file} (${what}) not found ${where}: install ${what}; a newer CUDA or cuDNN major version does not provide this file.` };
  });
}

function capabilityFindings(gpus: readonly NvidiaGpu[]): GpuFinding[] {
  return gpus.flatMap((g, i): GpuFinding[] => {
    const cap = g.computeCapability;
    if (cap === null) return [];
    const gpu = `GPU ${i} (${g.name}) has compute capability ${cap.toFixed(1)}`;
    if (cap < gpuRequirements.minComputeCapability) return [{ level: 'error', message: `${gpu}: TensorFlow ${gpuRequirements.tensorflow} needs ≥ ${gpuRequirements.minComputeCapability}.` }];
    if (cap >= gpuRequirements.jitComputeCapability) {
      return [{ level: 'warn', message: `${gpu}: TensorFlow ${gpuRequirements.tensorflow} has no kernels for it and JIT-compiles PTX at start (minutes), and may train slower than the CPU build ('tensorflow'); see tensorflow/tfjs#8509.` }];
    }
    return [];
  });
}

/** Every finding about the GPU build on this machine, errors first as the checks run: driver, libraries, GPUs. */
export function diagnoseGpu(facts: GpuFacts): GpuFinding[] {
  if (facts.platform === 'darwin') {
    return [{ level: 'error', message: 'macOS has no CUDA: tfjs-node-gpu cannot run here. Use tensorflow (the CPU build), wasm or cpu.' }];
  }
  if (facts.platform !== 'linux' && facts.platform !== 'win32') {
    return [{ level: 'error', message: `tfjs-node-gpu is built for Linux and Windows only (this is ${facts.platform}).` }];
  }
  const gpus = facts.nvidiaSmiCsv ? parseNvidiaSmiCsv(facts.nvidiaSmiCsv) : [];
  const minimum = facts.platform === 'win32' ? gpuRequirements.driverWindows : gpuRequirements.driverLinux;
  const names = facts.platform === 'win32' ? gpuRequirements.libraries.win32 : gpuRequirements.libraries.linux;
  return [...driverFindings(facts, gpus, minimum), ...libraryFindings(facts, names), ...capabilityFindings(gpus)];
}
