/**
 * Where serve's access token comes from, in order: `--token-file PATH` (the
 * file's text, trimmed), `--token T`, the LATENT_TOKEN environment variable,
 * else a new random one. `--token` still works but is warned against: a
 * command line is visible to every user of the machine (ps, /proc/PID/cmdline),
 * while the environment and a 0600 file are not.
 */
import * as fs from 'node:fs';
import { newToken } from './auth';

export interface TokenSources {
  /** `--token`'s value. */
  flag?: string | undefined;
  /** `--token-file`'s value. */
  file?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Hears the warning about `--token` (serve prints it on stderr). */
  warn: (message: string) => void;
}

export const TOKEN_FLAG_WARNING =
  'latent serve: warning: --token is visible to other users of this machine in the process list; pass it in LATENT_TOKEN or a file (--token-file PATH) instead';

/** A token must fit in `Authorization: Bearer …` and a URL's query: no spaces. */
function checked(token: string, from: string): string {
  if (token === '') throw new Error(`${from} is empty: give a token, or leave it out for a random one`);
  if (/\s/.test(token)) throw new Error(`${from} holds whitespace inside the token: a token is one word`);
  return token;
}

export function resolveServeToken(s: TokenSources): string {
  if (s.flag !== undefined && s.file !== undefined) throw new Error('Give --token or --token-file, not both');
  if (s.file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(s.file, 'utf8');
    } catch (e) {
      throw new Error(`Cannot read the token file ${s.file}: ${(e as Error).message}`, { cause: e });
    }
    return checked(text.trim(), `The token file ${s.file}`);
  }
  if (s.flag !== undefined) {
    s.warn(TOKEN_FLAG_WARNING);
    return checked(s.flag.trim(), '--token');
  }
  const fromEnv = s.env['LATENT_TOKEN'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return checked(fromEnv.trim(), 'LATENT_TOKEN');
  return newToken();
}
