/** Where serve's token comes from: file, flag (warned), LATENT_TOKEN, else random; bad tokens are refused by name. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveServeToken, TOKEN_FLAG_WARNING } from '../../../main/server/serveToken';
import { tempDir } from '../../helpers/tempDir';

const dir = tempDir('latent-token-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function resolve(flag: string | undefined, file: string | undefined, env: NodeJS.ProcessEnv = {}): { token: string; warnings: string[] } {
  const warnings: string[] = [];
  const token = resolveServeToken({ flag, file, env, warn: (m) => warnings.push(m) });
  return { token, warnings };
}

describe('serve token sources', () => {
  it('takes a file\'s trimmed text over LATENT_TOKEN, without a warning', () => {
    const file = path.join(dir, 't');
    fs.writeFileSync(file, '\n  abc123 \r\n');
    expect(resolve(undefined, file, { LATENT_TOKEN: 'env' })).toEqual({ token: 'abc123', warnings: [] });
  });

  it('takes --token with a warning, LATENT_TOKEN without, and a random 32-character one otherwise', () => {
    expect(resolve('flag', undefined, { LATENT_TOKEN: 'env' })).toEqual({ token: 'flag', warnings: [TOKEN_FLAG_WARNING] });
    expect(resolve(undefined, undefined, { LATENT_TOKEN: 'env' })).toEqual({ token: 'env', warnings: [] });
    // 24 random bytes in base64url: 32 characters.
    expect(resolve(undefined, undefined, { LATENT_TOKEN: '  ' }).token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('refuses both at once, an empty or missing file, and a token with a space inside', () => {
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, ' \n');
    expect(() => resolve('a', empty)).toThrow('Give --token or --token-file, not both');
    expect(() => resolve(undefined, empty)).toThrow(`The token file ${empty} is empty: give a token, or leave it out for a random one`);
    expect(() => resolve(undefined, path.join(dir, 'none'))).toThrow(/^Cannot read the token file .*none: ENOENT/);
    expect(() => resolve('two words', undefined)).toThrow('--token holds whitespace inside the token: a token is one word');
  });
});
