/**
 * The desktop app's data folder: LATENT_DATA, then a portable marker beside the app, then
 * userData. Markers are real files in a temp folder laid out like each platform's install.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appFolder, resolveDataLocation, type DataLocationInput } from '../../../main/services/dataLocation';
import { bundlePathsIn } from '../../../main/common/bundleFormat';
import { tempDir } from '../../helpers/tempDir';

function install(layout: string[]): string {
  const root = tempDir('latent-dataloc-');
  for (const file of layout) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), '');
  }
  return root;
}

function input(over: Partial<DataLocationInput>): DataLocationInput {
  return { execPath: '/opt/app/latent-workbench', env: {}, userData: '/home/u/.config/Latent Workbench', platform: 'linux', exists: fs.existsSync, ...over };
}

describe('resolveDataLocation', () => {
  it('uses userData when there is no marker and no LATENT_DATA', () => {
    const root = install(['app/latent-workbench']);
    const got = resolveDataLocation(input({ execPath: path.join(root, 'app', 'latent-workbench') }));
    expect(got).toEqual({ dir: '/home/u/.config/Latent Workbench', reason: 'default', detail: 'data folder: /home/u/.config/Latent Workbench' });
  });

  it('keeps data beside the executable when a `portable` marker is there', () => {
    const root = install(['app/latent-workbench', 'app/portable']);
    const got = resolveDataLocation(input({ execPath: path.join(root, 'app', 'latent-workbench') }));
    expect(got.reason).toBe('portable');
    expect(got.dir).toBe(path.join(root, 'app', 'LatentWorkbenchData'));
    expect(got.detail).toContain(path.join(root, 'app', 'portable'));
  });

  it('accepts the longer marker name too, and ignores a marker in another folder', () => {
    const root = install(['app/latent-workbench', 'app/latent-workbench.portable', 'other/portable']);
    expect(resolveDataLocation(input({ execPath: path.join(root, 'app', 'latent-workbench') })).dir).toBe(path.join(root, 'app', 'LatentWorkbenchData'));
    expect(resolveDataLocation(input({ execPath: path.join(root, 'nowhere', 'latent-workbench') })).reason).toBe('default');
  });

  it('lets LATENT_DATA win over a marker; an empty LATENT_DATA counts as unset', () => {
    const root = install(['app/latent-workbench', 'app/portable']);
    const execPath = path.join(root, 'app', 'latent-workbench');
    expect(resolveDataLocation(input({ execPath, env: { LATENT_DATA: '/data/lw' } }))).toEqual({ dir: '/data/lw', reason: 'env', detail: 'data folder from LATENT_DATA: /data/lw' });
    expect(resolveDataLocation(input({ execPath, env: { LATENT_DATA: '' } })).reason).toBe('portable');
  });

  it('on macOS looks beside the .app bundle, not inside Contents/MacOS', () => {
    const root = install(['usb/Latent Workbench.app/Contents/MacOS/Latent Workbench', 'usb/portable']);
    const execPath = path.join(root, 'usb', 'Latent Workbench.app', 'Contents', 'MacOS', 'Latent Workbench');
    const got = resolveDataLocation(input({ execPath, platform: 'darwin' }));
    expect(got.dir).toBe(path.join(root, 'usb', 'LatentWorkbenchData'));
    // A marker inside the bundle does not count: the bundle is replaced on every update.
    const inside = install(['X.app/Contents/MacOS/X', 'X.app/Contents/MacOS/portable']);
    expect(resolveDataLocation(input({ execPath: path.join(inside, 'X.app', 'Contents', 'MacOS', 'X'), platform: 'darwin' })).reason).toBe('default');
  });

  it('on Linux an AppImage looks beside the .AppImage file, not in its temporary mount', () => {
    const root = install(['stick/Latent-Workbench.AppImage', 'stick/portable']);
    const got = resolveDataLocation(input({ execPath: '/tmp/.mount_LatentXYZ/latent-workbench', env: { APPIMAGE: path.join(root, 'stick', 'Latent-Workbench.AppImage') } }));
    expect(got.dir).toBe(path.join(root, 'stick', 'LatentWorkbenchData'));
  });
});

describe('appFolder', () => {
  it('takes Windows paths apart with Windows rules, on any machine', () => {
    expect(appFolder({ execPath: 'E:\\Latent Workbench\\Latent Workbench.exe', env: {}, platform: 'win32' })).toBe('E:\\Latent Workbench');
    expect(appFolder({ execPath: 'C:\\Temp\\x\\app.exe', env: { PORTABLE_EXECUTABLE_DIR: 'E:\\tools' }, platform: 'win32' })).toBe('E:\\tools');
  });

  it('ignores APPIMAGE off Linux and PORTABLE_EXECUTABLE_DIR off Windows', () => {
    expect(appFolder({ execPath: '/opt/a/bin', env: { APPIMAGE: '/x/y.AppImage', PORTABLE_EXECUTABLE_DIR: '/z' }, platform: 'darwin' })).toBe('/opt/a');
  });
});

describe('bundlePathsIn', () => {
  it('finds the .lwbundle files a system start or a second instance passes, not flags or the executable', () => {
    expect(bundlePathsIn(['/opt/Latent Workbench/latent-workbench', '--no-sandbox', '/home/a/runs.LWBUNDLE', '/home/a/notes.txt', 'C:\\\\x\\\\b.lwbundle'])).toEqual(['/home/a/runs.LWBUNDLE', 'C:\\\\x\\\\b.lwbundle']);
    expect(bundlePathsIn(['/x/app.lwbundle'])).toEqual([]);
  });
});
