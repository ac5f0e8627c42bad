// Types of scripts/buildFreshness.cjs for the tests that import it.
export type BuildPart = 'node' | 'renderer';
export interface PartSpec { dirs: string[]; files: string[]; entry: string; stamp: string; script: string }
export const parts: Record<BuildPart, PartSpec>;
export function staleReason(root: string, part: BuildPart): string | null;
export function writeStamp(root: string, part: BuildPart, atMs?: number): void;
export function ensureBuilt(which: BuildPart | 'all', options?: { root?: string; log?: (line: string) => void }): BuildPart[];
export function newestUnder(dir: string): { file: string; mtimeMs: number } | null;
