/**
 * Imported first by main.ts, before any schema is built. Zod 4 compiles fast
 * object parsers with `new Function`, which the page's CSP (no 'unsafe-eval')
 * forbids; even its feature probe would log a CSP violation. jitless makes it
 * use the interpreter. Object schemas decide this when they are constructed,
 * so this must run before main/common and workers/common are evaluated.
 */
import { z } from 'zod';

z.config({ jitless: true });
