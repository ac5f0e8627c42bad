/** `corpora list|import|remove` over the real services in a temp data folder. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../main/cli/commands';
import { corporaCommand } from '../../../main/cli/corpusCommands';
import { createServices, type AppServices } from '../../../main/services/appServices';
import { removeTempDirs, tempDir } from '../db/helpers';

const open: AppServices[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

function run(s: AppServices, args: string[], name?: string): string {
  let text = '';
  const out = { write: (chunk: string) => { text += chunk; return true; } } as unknown as NodeJS.WritableStream;
  corporaCommand(s, args, { json: false, ...(name !== undefined ? { name } : {}) }, out, 'usage');
  return text;
}

function cliFailure(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('corpora commands', () => {
  it('list, import a file, refuse a bad one with exit code 2, and remove', () => {
    const s = createServices({ dataDir: tempDir(), env: {} });
    open.push(s);
    const file = path.join(tempDir(), 'small.txt');
    fs.writeFileSync(file, 'abba\ncab\n');
    expect(run(s, ['import', file], 'Small')).toBe('Imported "Small" as small: 9 characters, 2 lines, 4 distinct characters.\nTrain on it with --set data.corpus=small (a sequence run)\n');
    const lines = run(s, ['list']).split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+kind\s+characters\s+lines\s+char vocab\s+unigram bits\/char$/);
    expect(lines[1]).toMatch(/^kjv-genesis\s+Genesis \(King James Version\)\s+builtin\s+\d+\s+1584\s+64\s+\d\.\d{3}$/);
    // a×3 b×3 \n×2 c×1 of 9: 1.891 bits per character.
    expect(lines[2]).toMatch(/^small\s+Small\s+imported\s+9\s+2\s+8\s+1\.891$/);
    const bad = path.join(tempDir(), 'bad.txt');
    fs.writeFileSync(bad, Buffer.from([0xc3, 0x28]));
    const e = cliFailure(() => run(s, ['import', bad], 'Bad'));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/not valid UTF-8/);
    expect(cliFailure(() => run(s, ['import', file])).message).toMatch(/needs a file and --name/);
    expect(run(s, ['remove', 'small'])).toMatch(/^Removed "Small" and its text\./);
    expect(cliFailure(() => run(s, ['remove', 'kjv-genesis'])).exitCode).toBe(2);
  });
});
