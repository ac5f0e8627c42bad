/**
 * The recursive-descent parser: or → and → not → comparison, so `not` binds
 * tightest and `or` loosest. Each comparison is checked against its field's
 * type as it is read (a number field takes numbers, a text field =, != and ~
 * with a string…), so a filter that parses is one both evaluators can run.
 */
import type { RunStatus } from '../domain';
import { attributeTypes, RunFilterError, type CompareOp, type FilterValue, type RunFilterAst } from './ast';
import { nearest, resolveField, type ResolvedField } from './fields';
import { tokenize, type Token } from './lexer';

/** Every status the store allows, checked complete against RunStatus. */
const statusSet: Record<RunStatus, true> = { queued: true, running: true, done: true, failed: true, cancelled: true, interrupted: true };
const runStatuses: readonly string[] = Object.keys(statusSet);

type ValueType = 'number' | 'string' | 'boolean';

function describe(token: Token, text: string): string {
  return token.type === 'end' ? 'the end of the filter' : `"${text.slice(token.start, token.end)}"`;
}

function fieldName(field: ResolvedField): string {
  switch (field.kind) {
    case 'attribute': return field.name;
    case 'param': return `params.${field.key}`;
    case 'metric': return `metrics.${field.key}.${field.agg}`;
    case 'tags': return 'tags';
  }
}

/** The type a field's values have; a param's is whatever the literal's is. */
function fieldType(field: ResolvedField): ValueType | 'any' | 'tags' {
  switch (field.kind) {
    case 'attribute': return attributeTypes[field.name];
    case 'param': return 'any';
    case 'metric': return 'number';
    case 'tags': return 'tags';
  }
}

/** Deeper nesting than any hand-written filter: beyond it the parser would exhaust the stack. */
const MAX_DEPTH = 100;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly text: string, private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] ?? this.tokens[this.tokens.length - 1] ?? { type: 'end', start: this.text.length, end: this.text.length };
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'end') this.pos++;
    return t;
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.type === 'keyword' && t.word === word;
  }

  private fail(token: Token, message: string): RunFilterError {
    return new RunFilterError(message, token.start, token.end);
  }

  parseFilter(): RunFilterAst {
    if (this.peek().type === 'end') return { kind: 'all' };
    const ast = this.parseOr();
    const t = this.peek();
    if (t.type === 'rparen') throw this.fail(t, 'This ) has no matching (');
    if (t.type !== 'end') throw this.fail(t, `Unexpected ${describe(t, this.text)} after a complete condition: join conditions with and / or`);
    return ast;
  }

  private parseOr(): RunFilterAst {
    const terms = [this.parseAnd()];
    while (this.isKeyword('or')) {
      this.next();
      terms.push(this.parseAnd());
    }
    return terms.length === 1 && terms[0] ? terms[0] : { kind: 'or', terms };
  }

  private parseAnd(): RunFilterAst {
    const terms = [this.parseNot()];
    while (this.isKeyword('and')) {
      this.next();
      terms.push(this.parseNot());
    }
    return terms.length === 1 && terms[0] ? terms[0] : { kind: 'and', terms };
  }

  /** Every nesting (a not, a parenthesis) passes here, so this is where depth is counted. */
  private parseNot(): RunFilterAst {
    if (this.depth >= MAX_DEPTH) throw this.fail(this.peek(), `This filter nests more than ${MAX_DEPTH} levels of not and parentheses`);
    this.depth++;
    try {
      if (!this.isKeyword('not')) return this.parsePrimary();
      this.next();
      return { kind: 'not', term: this.parseNot() };
    } finally {
      this.depth--;
    }
  }

  private parsePrimary(): RunFilterAst {
    const t = this.next();
    if (t.type === 'lparen') {
      const inner = this.parseOr();
      const close = this.peek();
      if (close.type === 'end') throw this.fail(t, 'This ( is never closed: add a ) after its conditions');
      if (close.type !== 'rparen') throw this.fail(close, `Expected and, or or ) but found ${describe(close, this.text)}`);
      this.next();
      return inner;
    }
    if (t.type === 'path') return this.parseComparison(resolveField(t.segments));
    throw this.fail(t, `Expected a condition (a field such as name, params.lr or metrics.loss, or a "(") but found ${describe(t, this.text)}`);
  }

  private parseComparison(field: ResolvedField): RunFilterAst {
    const opToken = this.next();
    const name = fieldName(field);
    if (opToken.type === 'keyword' && opToken.word === 'has') {
      if (field.kind !== 'tags') throw this.fail(opToken, `has applies only to tags (tags has "baseline"); for text in ${name} use ~`);
      return { kind: 'hasTag', tag: this.readString(name) };
    }
    if (opToken.type !== 'op') throw this.fail(opToken, `Expected an operator (=, !=, <, <=, >, >=, ~) after ${name} but found ${describe(opToken, this.text)}`);
    const type = fieldType(field);
    if (opToken.op === '~') {
      if (field.kind === 'metric' || type === 'number') throw this.fail(opToken, `~ searches text, and ${name} is a number: compare it with =, !=, <, <=, > or >=`);
      if (type === 'boolean') throw this.fail(opToken, `~ searches text, and ${name} is true or false: write ${name} = true or ${name} = false`);
      return { kind: 'contains', field, text: this.readString(name) };
    }
    if (field.kind === 'tags') throw this.fail(opToken, `Tags are tested with has (tags has "baseline") or ~ (tags ~ "base")`);
    if (type === 'string' && !['=', '!='].includes(opToken.op)) throw this.fail(opToken, `${opToken.op} does not apply to ${name}, which is text: use =, != or ~`);
    if (type === 'boolean' && !['=', '!='].includes(opToken.op)) throw this.fail(opToken, `${opToken.op} does not apply to ${name}, which is true or false: use = or !=`);
    const op = opToken.op;
    const value = this.readValue(name, type, op);
    if (field.kind === 'attribute' && field.name === 'status' && typeof value === 'string') this.checkStatus(value);
    return { kind: 'compare', field, op, value };
  }

  private readString(name: string): string {
    const t = this.next();
    if (t.type !== 'string') throw this.fail(t, `Expected a string in double quotes after ${name}'s operator but found ${describe(t, this.text)}`);
    return t.value;
  }

  private readValue(name: string, type: ValueType | 'any' | 'tags', op: CompareOp): FilterValue {
    const t = this.next();
    const value = literalOf(t);
    if (value === undefined) {
      throw this.fail(t, `Expected a value (a number, a string in double quotes, true or false) after ${name} ${op} but found ${describe(t, this.text)}`);
    }
    const given = typeOfValue(value);
    if (type !== 'any' && given !== type) {
      throw this.fail(t, typeMismatch(name, type));
    }
    if (given !== 'number' && op !== '=' && op !== '!=') throw this.fail(t, `${op} compares numbers; ${describe(t, this.text)} can only be compared with = or !=`);
    return value;
  }

  /** A status outside the store's list would silently match nothing: it is a slip. */
  private checkStatus(value: string): void {
    if (runStatuses.includes(value)) return;
    const t = this.tokens[this.pos - 1] ?? this.peek();
    const near = nearest(value, runStatuses);
    throw this.fail(t, `A run's status is one of ${runStatuses.join(', ')}${near ? `: did you mean "${near}"?` : ''}`);
  }
}

/** What to write instead, when a value is not of its field's type. */
function typeMismatch(name: string, type: ValueType | 'tags'): string {
  switch (type) {
    case 'string': return `${name} is text: put the value in double quotes`;
    case 'number': return `${name} is a number: write the number without quotes`;
    case 'boolean': return `${name} is true or false: write ${name} = true or ${name} = false`;
    case 'tags': return 'Tags are tested with has or ~';
  }
}

function literalOf(t: Token): FilterValue | undefined {
  if (t.type === 'string' || t.type === 'number') return t.value;
  if (t.type === 'keyword' && (t.word === 'true' || t.word === 'false')) return t.word === 'true';
  return undefined;
}

function typeOfValue(v: FilterValue): ValueType {
  return typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'boolean';
}

/** Parses a runs filter; empty text is `{ kind: 'all' }`. Throws a RunFilterError at the token at fault. */
export function parseRunFilter(text: string): RunFilterAst {
  return new Parser(text, tokenize(text)).parseFilter();
}
