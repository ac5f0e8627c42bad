/**
 * Where the desktop app keeps its data (database, runs, datasets, caches). Pure: the caller
 * passes the executable's path, the environment, Electron's userData path and an exists()
 * check, so the rule is tested without Electron.
 *
 * Order: LATENT_DATA (an explicit choice wins), then portable mode — a marker file `portable`
 * or `latent-workbench.portable` beside the app keeps everything in `LatentWorkbenchData`
 * beside it (USB sticks, lab machines where the profile is wiped or read-only) — then the
 * platform's userData folder.
 */
import * as path from 'node:path';

export const PORTABLE_MARKERS = ['portable', 'latent-workbench.portable'] as const;
export const PORTABLE_DATA_FOLDER = 'LatentWorkbenchData';

export type DataLocationReason = 'env' | 'portable' | 'default';

export interface DataLocation {
  dir: string;
  reason: DataLocationReason;
  /** One sentence for the log: which rule chose the folder. */
  detail: string;
}

export interface DataLocationInput {
  /** process.execPath of the running app. */
  execPath: string;
  env: Readonly<Record<string, string | undefined>>;
  /** app.getPath('userData'). */
  userData: string;
  platform: NodeJS.Platform;
  exists: (file: string) => boolean;
}

function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * The folder the user sees the app in. macOS: the folder holding `X.app`, not
 * `X.app/Contents/MacOS`. Linux AppImage: the folder of the .AppImage file (APPIMAGE), not the
 * temporary mount it runs from. electron-builder's portable Windows exe also unpacks to a
 * temporary folder and names its own in PORTABLE_EXECUTABLE_DIR.
 */
export function appFolder(input: Pick<DataLocationInput, 'execPath' | 'env' | 'platform'>): string {
  const p = pathFor(input.platform);
  const portableExeDir = input.env['PORTABLE_EXECUTABLE_DIR'];
  if (input.platform === 'win32' && portableExeDir) return portableExeDir;
  const appImage = input.env['APPIMAGE'];
  if (input.platform === 'linux' && appImage) return p.dirname(appImage);
  if (input.platform === 'darwin') {
    for (let dir = p.dirname(input.execPath); dir !== p.dirname(dir); dir = p.dirname(dir)) {
      if (dir.endsWith('.app')) return p.dirname(dir);
    }
  }
  return p.dirname(input.execPath);
}

export function resolveDataLocation(input: DataLocationInput): DataLocation {
  const fromEnv = input.env['LATENT_DATA'];
  if (fromEnv !== undefined && fromEnv !== '') return { dir: fromEnv, reason: 'env', detail: `data folder from LATENT_DATA: ${fromEnv}` };
  const p = pathFor(input.platform);
  const folder = appFolder(input);
  const marker = PORTABLE_MARKERS.map((name) => p.join(folder, name)).find((file) => input.exists(file));
  if (marker !== undefined) {
    const dir = p.join(folder, PORTABLE_DATA_FOLDER);
    return { dir, reason: 'portable', detail: `portable mode (${marker} exists): data kept beside the app in ${dir}` };
  }
  return { dir: input.userData, reason: 'default', detail: `data folder: ${input.userData}` };
}
