/**
 * .github/workflows/release.yml cannot run on this project's machines, so its shape is checked
 * here: the test matrix covers the three systems, Ubuntu runs the README's test command, the
 * installers are built only on a v* tag, after the tests, for each system, and uploaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/tempDir';

type Mapping = Record<string, unknown>;

function isMapping(v: unknown): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (!isMapping(cur)) throw new Error(`release.yml: no mapping at ${keys.join('.')} (stopped before '${k}')`);
    cur = cur[k];
  }
  return cur;
}

interface Step { run?: string; uses?: string; if?: string; env?: Mapping; with?: Mapping }

function steps(job: string): Step[] {
  const list = at(workflow, 'jobs', job, 'steps');
  if (!Array.isArray(list)) throw new Error(`release.yml: job ${job} has no steps`);
  return list.filter(isMapping).map((s) => s as Step);
}

const workflow: unknown = load(fs.readFileSync(path.join(repoRoot, '.github', 'workflows', 'release.yml'), 'utf8'));
const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('release workflow', () => {
  it('runs on version tags (and on main and pull requests for the tests)', () => {
    expect(at(workflow, 'on', 'push', 'tags')).toEqual(['v*']);
  });

  it('tests on Windows, macOS and Ubuntu after npm ci', () => {
    expect(at(workflow, 'jobs', 'test', 'strategy', 'matrix', 'os')).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
    expect(steps('test').map((s) => s.run)).toContain('npm ci');
  });

  it('runs the README\'s test command on Ubuntu', () => {
    const readmeCommand = /npm install && (npm test)/.exec(readme)?.[1];
    expect(readmeCommand).toBe('npm test');
    const ubuntu = steps('test').find((s) => s.if === "runner.os == 'Linux'");
    expect(ubuntu?.run).toBe(readmeCommand);
  });

  it('builds the installers only on a v* tag, after the tests, one system each, and uploads them', () => {
    expect(at(workflow, 'jobs', 'installers', 'if')).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(at(workflow, 'jobs', 'installers', 'needs')).toBe('test');
    const include = at(workflow, 'jobs', 'installers', 'strategy', 'matrix', 'include');
    if (!Array.isArray(include)) throw new Error('installers matrix has no include list');
    expect(include.map((e) => at(e, 'os'))).toEqual(['windows-latest', 'macos-latest', 'ubuntu-latest']);
    expect(include.map((e) => at(e, 'flags'))).toEqual(['--win nsis --x64', '--mac dmg --arm64 --x64', '--linux AppImage deb --x64']);
    const runs = steps('installers').map((s) => s.run ?? s.uses ?? '');
    expect(runs).toEqual(expect.arrayContaining(['npm ci', 'npm run build', 'npx electron-builder ${{ matrix.flags }} --publish never', 'actions/upload-artifact@v4']));
    expect(steps('release').map((s) => s.uses)).toEqual(['actions/download-artifact@v4', 'softprops/action-gh-release@v2']);
  });
});
