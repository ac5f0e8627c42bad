/**
 * A filter written back as text, with the fewest parentheses that keep its
 * meaning: parsing the result gives the same tree. For saved views and for
 * showing a filter built by other means (brushing a chart) in the filter box.
 */
import type { FieldRef, RunFilterAst, TextFieldRef } from './ast';
import { paramAliases } from './fields';

const BARE_KEY = /^[A-Za-z0-9_/]+$/;

function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A key bare when it can be (an alias's spelling is quoted: `params."lr"` is the param named lr). */
function key(k: string): string {
  return BARE_KEY.test(k) && !paramAliases.has(k) ? k : quote(k);
}

function field(f: FieldRef | TextFieldRef): string {
  switch (f.kind) {
    case 'attribute': return f.name;
    case 'param': return `params.${key(f.key)}`;
    case 'metric': return `metrics.${key(f.key)}.${f.agg}`;
    case 'tags': return 'tags';
  }
}

function value(v: number | string | boolean): string {
  return typeof v === 'string' ? quote(v) : String(v);
}

const precedence = { or: 1, and: 2, not: 3 } as const;

function level(ast: RunFilterAst): number {
  return ast.kind === 'or' || ast.kind === 'and' || ast.kind === 'not' ? precedence[ast.kind] : 4;
}

function wrapped(ast: RunFilterAst, parent: number): string {
  const text = formatRunFilter(ast);
  return level(ast) <= parent && level(ast) < 3 ? `(${text})` : text;
}

/** The filter as text; the empty filter is ''. */
export function formatRunFilter(ast: RunFilterAst): string {
  switch (ast.kind) {
    case 'all': return '';
    case 'or': return ast.terms.map((t) => wrapped(t, precedence.or)).join(' or ');
    case 'and': return ast.terms.map((t) => wrapped(t, precedence.and)).join(' and ');
    case 'not': return `not ${wrapped(ast.term, precedence.not)}`;
    case 'compare': return `${field(ast.field)} ${ast.op} ${value(ast.value)}`;
    case 'contains': return `${field(ast.field)} ~ ${quote(ast.text)}`;
    case 'hasTag': return `tags has ${quote(ast.tag)}`;
  }
}
