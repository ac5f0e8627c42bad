/**
 * The GPU build's diagnosis, fed with what the system really prints: the
 * first line of /proc/driver/nvidia/version (proprietary and open kernel
 * modules), nvidia-smi's csv (noheader) and `ldconfig -p` lines.
 */
import { describe, expect, it } from 'vitest';
import { compareVersions, diagnoseGpu, ldconfigHas, parseNvidiaSmiCsv, parseProcDriverVersion, type GpuFacts } from '../../../main/common/gpuDiagnosis';

const procProprietary = 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.154.05  Thu Dec 28 15:37:48 UTC 2023\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n';
const procOpen = 'NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.14  Release Build  (dvs-builder@U16-I3-B03-4-3)  Thu Feb 22 01:25:25 UTC 2024\n';
const procOld = 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  440.33.01  Wed Nov 13 00:00:22 UTC 2019\n';
const smiAda = 'NVIDIA GeForce RTX 4090, 550.54.14, 8.9\n';
const smiTwo = 'Tesla T4, 535.154.05, 7.5\nNVIDIA H100 80GB HBM3, 535.154.05, 9.0\n';
const ldconfigCuda11 = [
  '1234 libs found in cache `/etc/ld.so.cache\'',
  '\tlibcudnn.so.8 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.8',
  '\tlibcudart.so.11.0 (libc6,x86-64) => /usr/local/cuda-11.2/targets/x86_64-linux/lib/libcudart.so.11.0',
  '\tlibc.so.6 (libc6,x86-64, OS ABI: Linux 3.2.0) => /lib/x86_64-linux-gnu/libc.so.6',
].join('\n');
const ldconfigCuda12 = '\tlibcudart.so.12 (libc6,x86-64) => /usr/local/cuda/lib64/libcudart.so.12\n\tlibcudnn.so.9 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.9\n';

const levels = (facts: GpuFacts): string[] => diagnoseGpu(facts).map((f) => f.level);

describe('parsing what the system prints', () => {
  it('reads the driver version from both kinds of kernel module', () => {
    expect(parseProcDriverVersion(procProprietary)).toBe('535.154.05');
    expect(parseProcDriverVersion(procOpen)).toBe('550.54.14');
    expect(parseProcDriverVersion('no driver here')).toBeUndefined();
  });

  it('reads one GPU per csv line, the compute capability as a number', () => {
    expect(parseNvidiaSmiCsv(smiTwo)).toEqual([
      { name: 'Tesla T4', driver: '535.154.05', computeCapability: 7.5 },
      { name: 'NVIDIA H100 80GB HBM3', driver: '535.154.05', computeCapability: 9 },
    ]);
    // Drivers before compute_cap was queryable print [N/A]; a name with a comma keeps it.
    expect(parseNvidiaSmiCsv('Quadro, Custom, 470.82.01, [N/A]\n')).toEqual([{ name: 'Quadro, Custom', driver: '470.82.01', computeCapability: null }]);
  });

  it('compares driver versions part by part, and finds a library by its exact soname', () => {
    expect(compareVersions('450.80.02', '450.80.02')).toBe(0);
    expect(compareVersions('450.102.04', '450.80.02')).toBe(1);
    expect(compareVersions('450.57', '450.80.02')).toBe(-1);
    expect(compareVersions('452.39', '452.39')).toBe(0);
    expect(ldconfigHas(ldconfigCuda11, 'libcudart.so.11.0')).toBe(true);
    expect(ldconfigHas(ldconfigCuda12, 'libcudart.so.11.0')).toBe(false);
    expect(ldconfigHas(ldconfigCuda12, 'libcudart.so.12')).toBe(true);
  });
});

describe('diagnoseGpu', () => {
  it('passes a Linux machine with a new enough driver, CUDA 11 and cuDNN 8, and an older GPU', () => {
    const findings = diagnoseGpu({ platform: 'linux', procDriverVersion: procProprietary, nvidiaSmiCsv: 'Tesla T4, 535.154.05, 7.5\n', ldconfig: ldconfigCuda11, libraryFiles: [] });
    expect(findings.map((f) => f.level)).toEqual(['ok', 'ok', 'ok']);
    expect(findings[0]!.message).toBe('NVIDIA driver 535.154.05 (≥ 450.80.02, enough for CUDA 11.2).');
  });

  it('says no driver was found when neither /proc nor nvidia-smi has one', () => {
    const [driver] = diagnoseGpu({ platform: 'linux', procDriverVersion: null, nvidiaSmiCsv: null, ldconfig: '', libraryFiles: [] });
    expect(driver).toEqual({ level: 'error', message: 'No NVIDIA driver found (no /proc/driver/nvidia/version, and nvidia-smi is not on PATH): tfjs-node-gpu needs an NVIDIA GPU with driver ≥ 450.80.02.' });
  });

  it('calls a driver older than 450.80.02 too old', () => {
    const [driver] = diagnoseGpu({ platform: 'linux', procDriverVersion: procOld, nvidiaSmiCsv: null, ldconfig: ldconfigCuda11 });
    expect(driver).toEqual({ level: 'error', message: 'NVIDIA driver 440.33.01 is too old: CUDA 11.2 needs ≥ 450.80.02. Update the driver.' });
  });

  it('names the CUDA 11 and cuDNN 8 libraries a CUDA 12 machine lacks, unless LD_LIBRARY_PATH has them', () => {
    const cuda12: GpuFacts = { platform: 'linux', procDriverVersion: procOpen, nvidiaSmiCsv: 'Tesla T4, 550.54.14, 7.5\n', ldconfig: ldconfigCuda12, libraryFiles: [] };
    const messages = diagnoseGpu(cuda12).filter((f) => f.level === 'error').map((f) => f.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^libcudart\.so\.11\.0 \(the CUDA 11\.2 runtime\) not found by ldconfig -p or in LD_LIBRARY_PATH/);
    expect(messages[1]).toMatch(/^libcudnn\.so\.8 \(cuDNN 8\.1\) not found/);
    expect(levels({ ...cuda12, libraryFiles: ['libcudart.so.11.0', 'libcudnn.so.8'] })).toEqual(['ok', 'ok', 'ok']);
  });

  it('warns about every GPU of compute capability 8.9 or more (PTX compiled at start)', () => {
    const findings = diagnoseGpu({ platform: 'linux', procDriverVersion: procProprietary, nvidiaSmiCsv: smiTwo, ldconfig: ldconfigCuda11 });
    const warnings = findings.filter((f) => f.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/^GPU 1 \(NVIDIA H100 80GB HBM3\) has compute capability 9\.0: TensorFlow 2\.9\.1 has no kernels for it and JIT-compiles PTX at start \(minutes\)/);
    expect(diagnoseGpu({ platform: 'linux', procDriverVersion: procOpen, nvidiaSmiCsv: smiAda, ldconfig: ldconfigCuda11 }).at(-1)!.message).toMatch(/^GPU 0 \(NVIDIA GeForce RTX 4090\) has compute capability 8\.9/);
  });

  it('on Windows reads the driver from nvidia-smi against 452.39 and looks for the DLLs on PATH', () => {
    const findings = diagnoseGpu({ platform: 'win32', nvidiaSmiCsv: 'NVIDIA GeForce GTX 1080, 452.06, 6.1\n', libraryFiles: ['cudart64_110.dll'] });
    expect(findings.map((f) => f.message)).toEqual([
      'NVIDIA driver 452.06 is too old: CUDA 11.2 needs ≥ 452.39. Update the driver.',
      'cudart64_110.dll (the CUDA 11.2 runtime) found on PATH.',
      'cudnn64_8.dll (cuDNN 8.1) not found on PATH: install cuDNN 8.1; a newer CUDA or cuDNN major version does not provide this file.',
    ]);
    expect(diagnoseGpu({ platform: 'win32', nvidiaSmiCsv: null, libraryFiles: [] })[0]!.message).toMatch(/^No NVIDIA driver found \(nvidia-smi is not on PATH\)/);
  });

  it('says macOS has no CUDA, and that nvidia-smi failed when it did', () => {
    expect(diagnoseGpu({ platform: 'darwin' })).toEqual([{ level: 'error', message: 'macOS has no CUDA: tfjs-node-gpu cannot run here. Use tensorflow (the CPU build), wasm or cpu.' }]);
    const [failed] = diagnoseGpu({ platform: 'linux', procDriverVersion: null, nvidiaSmiCsv: '', nvidiaSmiError: 'no answer within 10 s', ldconfig: '' });
    expect(failed!.message).toContain('nvidia-smi failed (no answer within 10 s)');
  });
});
