/**
 * A small evaluator for the CloudWatch metric-math expressions the lanes emit
 * (`IF(inv >= 100, 100 * err / inv, 0)`, `FILL(failed, 0) + FILL(rejected, 0)`, `visible / running`).
 *
 * Supported: numbers, metric ids, `+ - * /`, unary minus, comparisons (`> >= < <= == !=`),
 * `AND`, `OR`, `NOT`, and the functions `IF(c, a[, b])`, `FILL(m, v)`, `MIN(a, b)`, `MAX(a, b)`,
 * `ABS(x)`. CloudWatch semantics kept: a comparison is 1 or 0, `IF` without an else branch gives a
 * missing value, a missing metric (`undefined`) propagates through arithmetic unless `FILL`ed,
 * division by zero gives a missing value (CloudWatch drops such datapoints).
 * Anything else throws {@link MetricMathError} naming the expression and the token, so the template
 * reader can report the alarm as unsupported instead of guessing.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 */
export class MetricMathError extends Error {
  constructor(public readonly expression: string, problem: string) {
    super(`metric math '${expression}': ${problem}`);
    this.name = 'MetricMathError';
  }
}

/** A compiled expression: metric values by id in, a value (or undefined = missing) out. */
export type CompiledExpression = (values: Record<string, number | undefined>) => number | undefined;

type Node =
  | { k: 'num'; v: number }
  | { k: 'id'; name: string }
  | { k: 'un'; op: string; a: Node }
  | { k: 'bin'; op: string; a: Node; b: Node }
  | { k: 'call'; fn: string; args: Node[] };

const FUNCTIONS: Record<string, [number, number]> = { IF: [2, 3], FILL: [2, 2], MIN: [2, 2], MAX: [2, 2], ABS: [1, 1] };

/** Parse an expression; the ids it references are returned so callers can check they exist. */
export function compileMetricMath(expression: string): { evaluate: CompiledExpression; ids: string[] } {
  const tokens = tokenize(expression);
  let i = 0;
  const ids = new Set<string>();
  const peek = () => tokens[i];
  const eat = (t?: string) => {
    const tok = tokens[i++];
    if (t !== undefined && tok !== t) {
      throw new MetricMathError(expression, `expected '${t}' but found '${tok ?? 'end of expression'}'`);
    }
    return tok;
  };
  const LEVELS: string[][] = [['OR'], ['AND'], ['==', '!=', '>', '>=', '<', '<='], ['+', '-'], ['*', '/']];
  const parseLevel = (level: number): Node => {
    if (level === LEVELS.length) { return parseUnary(); }
    let left = parseLevel(level + 1);
    while (peek() !== undefined && LEVELS[level].includes(peek().toUpperCase())) {
      const op = eat().toUpperCase();
      left = { k: 'bin', op, a: left, b: parseLevel(level + 1) };
    }
    return left;
  };
  const parseUnary = (): Node => {
    const t = peek();
    if (t === '-') { eat(); return { k: 'un', op: '-', a: parseUnary() }; }
    if (t !== undefined && t.toUpperCase() === 'NOT') { eat(); return { k: 'un', op: 'NOT', a: parseUnary() }; }
    return parsePrimary();
  };
  const parsePrimary = (): Node => {
    const t = eat();
    if (t === undefined) { throw new MetricMathError(expression, 'ends too early'); }
    if (t === '(') { const n = parseLevel(0); eat(')'); return n; }
    if (/^[0-9.]/.test(t)) {
      const v = Number(t);
      if (!Number.isFinite(v)) { throw new MetricMathError(expression, `'${t}' is not a number`); }
      return { k: 'num', v };
    }
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === '(') {
        const fn = t.toUpperCase();
        const arity = FUNCTIONS[fn];
        if (!arity) { throw new MetricMathError(expression, `function ${t} is not supported by the simulator (supported: ${Object.keys(FUNCTIONS).join(', ')})`); }
        eat('(');
        const args: Node[] = [parseLevel(0)];
        while (peek() === ',') { eat(','); args.push(parseLevel(0)); }
        eat(')');
        if (args.length < arity[0] || args.length > arity[1]) {
          throw new MetricMathError(expression, `${fn} takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]} or ${arity[1]}`} arguments, got ${args.length}`);
        }
        return { k: 'call', fn, args };
      }
      ids.add(t);
      return { k: 'id', name: t };
    }
    throw new MetricMathError(expression, `unexpected '${t}'`);
  };
  const root = parseLevel(0);
  if (i !== tokens.length) { throw new MetricMathError(expression, `unexpected '${tokens[i]}'`); }
  return { evaluate: values => evalNode(root, values), ids: [...ids] };
}

function evalNode(n: Node, v: Record<string, number | undefined>): number | undefined {
  switch (n.k) {
    case 'num': return n.v;
    case 'id': return v[n.name];
    case 'un': {
      const a = evalNode(n.a, v);
      if (a === undefined) { return undefined; }
      return n.op === '-' ? -a : (a === 0 ? 1 : 0);
    }
    case 'call': {
      if (n.fn === 'IF') {
        const c = evalNode(n.args[0], v);
        if (c === undefined) { return undefined; }
        return c !== 0 ? evalNode(n.args[1], v) : (n.args[2] ? evalNode(n.args[2], v) : undefined);
      }
      if (n.fn === 'FILL') {
        const a = evalNode(n.args[0], v);
        return a === undefined ? evalNode(n.args[1], v) : a;
      }
      const xs = n.args.map(a => evalNode(a, v));
      if (xs.some(x => x === undefined)) { return undefined; }
      const ns = xs as number[];
      return n.fn === 'MIN' ? Math.min(...ns) : n.fn === 'MAX' ? Math.max(...ns) : Math.abs(ns[0]);
    }
    case 'bin': {
      const a = evalNode(n.a, v);
      const b = evalNode(n.b, v);
      if (a === undefined || b === undefined) { return undefined; }
      switch (n.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return b === 0 ? undefined : a / b;
        case '>': return a > b ? 1 : 0;
        case '>=': return a >= b ? 1 : 0;
        case '<': return a < b ? 1 : 0;
        case '<=': return a <= b ? 1 : 0;
        case '==': return a === b ? 1 : 0;
        case '!=': return a !== b ? 1 : 0;
        case 'AND': return a !== 0 && b !== 0 ? 1 : 0;
        case 'OR': return a !== 0 || b !== 0 ? 1 : 0;
      }
      return undefined;
    }
  }
}

function tokenize(expression: string): string[] {
  const out: string[] = [];
  const re = /\s*(>=|<=|==|!=|[-+*/(),<>]|[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*)/y;
  let pos = 0;
  while (pos < expression.length) {
    if (/^\s*$/.test(expression.slice(pos))) { break; }
    re.lastIndex = pos;
    const m = re.exec(expression);
    if (!m) { throw new MetricMathError(expression, `cannot read '${expression.slice(pos).trim()}'`); }
    out.push(m[1]);
    pos = re.lastIndex;
  }
  return out;
}
