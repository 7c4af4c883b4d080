import { TemplateError } from './errors.ts';

/** Syntax tree of an ARM template language expression (the text between `[` and `]`). */
export type ExprNode =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; name: string; args: ExprNode[] }
  | { kind: 'property'; target: ExprNode; name: string }
  | { kind: 'index'; target: ExprNode; index: ExprNode };

/** `"[expr]"` is an expression; `"[[..."` is a literal string starting with `[`. */
export function isExpression(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 2 &&
    value.startsWith('[') &&
    !value.startsWith('[[') &&
    value.endsWith(']')
  );
}

/** The literal a non-expression string stands for (`[[x]` → `[x]`). */
export function literalString(value: string): string {
  return value.startsWith('[[') ? value.slice(1) : value;
}

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'id'; v: string }
  | { t: 'punct'; v: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new TemplateError(`Unterminated string literal in '${src}'.`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i];
        i++;
      }
      tokens.push({ t: 'str', v: s });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?[0-9]+/.exec(src.slice(i)) as RegExpExecArray;
      tokens.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      tokens.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if ('(),.[]'.includes(c)) {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else {
      throw new TemplateError(`Unexpected character '${c}' in the language expression '${src}'.`);
    }
  }
  return tokens;
}

/** Parses the inside of `[...]` into a syntax tree. */
export function parseExpression(src: string): ExprNode {
  const tokens = tokenize(src);
  let pos = 0;
  const fail = (what: string): never => {
    throw new TemplateError(`The language expression '${src}' is not valid: ${what}.`);
  };
  const peek = (): Token | undefined => tokens[pos];
  const isPunct = (v: string): boolean => {
    const t = peek();
    return t !== undefined && t.t === 'punct' && t.v === v;
  };
  const expect = (v: string): void => {
    if (!isPunct(v)) fail(`expected '${v}'`);
    pos++;
  };

  function primary(): ExprNode {
    const t = peek();
    if (!t) return fail('unexpected end');
    pos++;
    if (t.t === 'str') return { kind: 'string', value: t.v };
    if (t.t === 'num') return { kind: 'number', value: t.v };
    if (t.t === 'id') {
      let name = t.v;
      // user-defined function namespaces: ns.fn(...)
      while (isPunct('.') && tokens[pos + 1]?.t === 'id' && tokens[pos + 2]?.v === '(') {
        name += '.' + (tokens[pos + 1] as Token).v;
        pos += 2;
      }
      if (!isPunct('(')) {
        if (['true', 'false', 'null'].includes(name.toLowerCase())) {
          return { kind: 'call', name, args: [] };
        }
        return fail(`'${name}' must be followed by '('`);
      }
      pos++;
      const args: ExprNode[] = [];
      if (!isPunct(')')) {
        for (;;) {
          args.push(postfix());
          if (isPunct(',')) {
            pos++;
            continue;
          }
          break;
        }
      }
      expect(')');
      return { kind: 'call', name, args };
    }
    return fail(`unexpected '${t.v}'`);
  }

  function postfix(): ExprNode {
    let node = primary();
    for (;;) {
      if (isPunct('.')) {
        pos++;
        const t = peek();
        if (!t || t.t !== 'id') return fail('expected a property name after "."');
        pos++;
        node = { kind: 'property', target: node, name: t.v };
      } else if (isPunct('[')) {
        pos++;
        const index = postfix();
        expect(']');
        node = { kind: 'index', target: node, index };
      } else {
        return node;
      }
    }
  }

  const node = postfix();
  if (pos !== tokens.length) fail(`unexpected '${(tokens[pos] as Token).v}'`);
  return node;
}

/** Every function name called in an expression (lower case). */
export function functionNames(node: ExprNode, into: Set<string> = new Set()): Set<string> {
  switch (node.kind) {
    case 'call':
      into.add(node.name.toLowerCase());
      node.args.forEach(a => functionNames(a, into));
      break;
    case 'property':
      functionNames(node.target, into);
      break;
    case 'index':
      functionNames(node.target, into);
      functionNames(node.index, into);
      break;
    default:
      break;
  }
  return into;
}
