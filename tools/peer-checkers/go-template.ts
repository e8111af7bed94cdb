// The subset of Go's text/template that Polaris's check definitions use (pkg/config/checks/*.yaml at v10.2.2):
// text, {{ expr }}, {{ $v := expr }}, {{ $v = expr }}, if/else/end, range $k, $v := expr, comments, trim markers
// {{- -}}, and the functions not, and, or, eq, ne, index, print, len, hasPrefix, hasSuffix (Polaris adds the last
// two: pkg/config/schema.go TemplateForResource). Semantics follow Go's: a missing map key (or a field of nothing)
// is nil, which prints "<no value>"; truth is Go's (false, 0, "", nil, empty map or list are false); and/or return
// an operand; range over a map visits its keys sorted. Anything outside the subset throws, so a new construct in a
// future Polaris release fails loudly instead of rendering wrong.

type Value = unknown;
type Node =
  | { t: "text"; text: string }
  | { t: "out"; expr: Expr }
  | { t: "set"; name: string; expr: Expr; declare: boolean }
  | { t: "if"; cond: Expr; then: Node[]; else: Node[] }
  | { t: "range"; key?: string; value?: string; expr: Expr; body: Node[] };
type Expr =
  | { t: "lit"; v: Value }
  /** base: "." (the dot) or a variable name such as $key. */
  | { t: "field"; base: string; path: string[] }
  | { t: "call"; fn: string; args: Expr[] };

/** Actions and the text between them; trim markers applied. */
function lex(src: string): ({ text: string } | { action: string })[] {
  const out: ({ text: string } | { action: string })[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    if (open < 0) { out.push({ text: src.slice(i) }); break; }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src[start] === "-" && /\s/.test(src[start + 1] ?? "")) { text = text.replace(/\s+$/, ""); start += 1; }
    out.push({ text });
    const comment = src.slice(start).trimStart().startsWith("/*");
    const close = comment ? src.indexOf("*/", start) + 2 : start;
    const end = src.indexOf("}}", close);
    if (end < 0) throw new Error("unclosed action");
    let body = src.slice(start, end);
    let next = end + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      const rest = src.slice(next);
      next += rest.length - rest.replace(/^\s+/, "").length;
    }
    if (!comment) out.push({ action: body.trim() });
    i = next;
  }
  return out;
}

/** Words of an action: strings, parentheses, variables, fields, identifiers, literals. */
function words(action: string): string[] {
  const re = /\s*("(?:[^"\\]|\\.)*"|\(|\)|:=|=|,|[^\s(),]+)/gy;
  const out: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(action)) !== null && m[0] !== "") out.push(m[1] as string);
  if (out.join("").replace(/\s/g, "") !== action.replace(/\s/g, "")) throw new Error(`cannot read action {{ ${action} }}`);
  return out;
}

function term(w: string): Expr | { t: "ident"; fn: string } {
  if (w.startsWith('"')) return { t: "lit", v: JSON.parse(w) as string };
  if (w === "true" || w === "false") return { t: "lit", v: w === "true" };
  if (w === "nil") return { t: "lit", v: null };
  if (/^-?\d+(\.\d+)?$/.test(w)) return { t: "lit", v: Number(w) };
  if (w === ".") return { t: "field", base: ".", path: [] };
  if (w.startsWith(".")) return { t: "field", base: ".", path: w.slice(1).split(".") };
  if (w.startsWith("$")) {
    const [name, ...path] = w.split(".");
    return { t: "field", base: name as string, path };
  }
  return { t: "ident", fn: w };
}

/** A command: a term, or a function applied to terms and parenthesised commands. */
function parseExpr(ws: string[]): Expr {
  let pos = 0;
  const command = (): Expr => {
    const items: (Expr | { t: "ident"; fn: string })[] = [];
    while (pos < ws.length && ws[pos] !== ")") {
      const w = ws[pos++] as string;
      if (w === "(") { items.push(command()); if (ws[pos++] !== ")") throw new Error("missing )"); } else items.push(term(w));
    }
    const [head, ...args] = items;
    if (head === undefined) throw new Error("empty command");
    if (head.t === "ident") {
      if (args.some((a) => a.t === "ident")) throw new Error("a function name as an argument");
      return { t: "call", fn: head.fn, args: args as Expr[] };
    }
    if (args.length > 0) throw new Error("arguments after a value");
    return head;
  };
  const expr = command();
  if (pos !== ws.length) throw new Error(`unexpected ${ws[pos]}`);
  return expr;
}

function parse(src: string): Node[] {
  const tokens = lex(src);
  let pos = 0;
  const block = (stops: string[]): { nodes: Node[]; stop: string } => {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const tok = tokens[pos++]!;
      if ("text" in tok) { if (tok.text) nodes.push({ t: "text", text: tok.text }); continue; }
      const ws = words(tok.action);
      const head = ws[0];
      if (head !== undefined && stops.includes(head)) return { nodes, stop: head };
      if (head === "if") {
        const cond = parseExpr(ws.slice(1));
        const then = block(["else", "end"]);
        const otherwise = then.stop === "else" ? block(["end"]).nodes : [];
        nodes.push({ t: "if", cond, then: then.nodes, else: otherwise });
      } else if (head === "range") {
        const decl = ws.indexOf(":=");
        const vars = decl < 0 ? [] : ws.slice(1, decl).filter((w) => w !== ",");
        const body = block(["end"]);
        nodes.push({ t: "range", ...(vars.length === 2 ? { key: vars[0], value: vars[1] } : vars.length === 1 ? { value: vars[0] } : {}), expr: parseExpr(ws.slice(decl < 0 ? 1 : decl + 1)), body: body.nodes });
      } else if (head?.startsWith("$") && (ws[1] === ":=" || ws[1] === "=")) {
        nodes.push({ t: "set", name: head, declare: ws[1] === ":=", expr: parseExpr(ws.slice(2)) });
      } else {
        nodes.push({ t: "out", expr: parseExpr(ws) });
      }
    }
    if (stops.length > 0) throw new Error(`missing {{ ${stops.join(" or ")} }}`);
    return { nodes, stop: "" };
  };
  return block([]).nodes;
}

const isMap = (v: Value): v is Record<string, Value> => typeof v === "object" && v !== null && !Array.isArray(v);

function truth(v: Value): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

function fieldOf(v: Value, key: string): Value {
  return isMap(v) ? v[key] : undefined;
}

function show(v: Value): string {
  if (v === undefined || v === null) return "<no value>";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new Error(`printing a ${Array.isArray(v) ? "list" : "map"} is outside the supported subset`);
}

/** Go's eq: nil equals only nil; values of different kinds are unequal. */
const equal = (a: Value, b: Value): boolean => (a ?? null) === (b ?? null);

class Scope {
  private readonly vars: Map<string, Value>[] = [new Map<string, Value>()];
  constructor(root: Value) { this.vars[0]!.set("$", root); }
  push(): void { this.vars.push(new Map<string, Value>()); }
  pop(): void { this.vars.pop(); }
  declare(name: string, v: Value): void { this.vars.at(-1)!.set(name, v); }
  assign(name: string, v: Value): void {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.has(name)) { this.vars[i]!.set(name, v); return; }
    throw new Error(`undefined variable ${name}`);
  }
  get(name: string): Value {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.has(name)) return this.vars[i]!.get(name);
    throw new Error(`undefined variable ${name}`);
  }
}

function evaluate(e: Expr, dot: Value, scope: Scope): Value {
  if (e.t === "lit") return e.v;
  if (e.t === "field") return e.path.reduce<Value>((v, k) => fieldOf(v, k), e.base === "." ? dot : scope.get(e.base));
  const args = (): Value[] => e.args.map((a) => evaluate(a, dot, scope));
  switch (e.fn) {
    case "not": return !truth(evaluate(e.args[0]!, dot, scope));
    case "and": { let last: Value = true; for (const a of e.args) { last = evaluate(a, dot, scope); if (!truth(last)) return last; } return last; }
    case "or": { let last: Value = false; for (const a of e.args) { last = evaluate(a, dot, scope); if (truth(last)) return last; } return last; }
    case "eq": { const [a, ...rest] = args(); return rest.some((b) => equal(a, b)); }
    case "ne": { const [a, b] = args(); return !equal(a, b); }
    case "index": { const [base, ...keys] = args(); return keys.reduce<Value>((v, k) => (Array.isArray(v) && typeof k === "number" ? v[k] : fieldOf(v, String(k))), base); }
    case "print": { const parts = args(); return parts.map((p, i) => (i > 0 && typeof p !== "string" && typeof parts[i - 1] !== "string" ? " " : "") + show(p)).join(""); }
    case "len": { const [v] = args(); return Array.isArray(v) ? v.length : isMap(v) ? Object.keys(v).length : typeof v === "string" ? v.length : 0; }
    case "hasPrefix": { const [s, p] = args(); return typeof s === "string" && typeof p === "string" && s.startsWith(p); }
    case "hasSuffix": { const [s, p] = args(); return typeof s === "string" && typeof p === "string" && s.endsWith(p); }
    default: throw new Error(`function ${e.fn} is outside the supported subset`);
  }
}

function run(nodes: Node[], dot: Value, scope: Scope, out: string[]): void {
  for (const n of nodes) {
    if (n.t === "text") out.push(n.text);
    else if (n.t === "out") out.push(show(evaluate(n.expr, dot, scope)));
    else if (n.t === "set") { const v = evaluate(n.expr, dot, scope); if (n.declare) scope.declare(n.name, v); else scope.assign(n.name, v); }
    else if (n.t === "if") { scope.push(); run(truth(evaluate(n.cond, dot, scope)) ? n.then : n.else, dot, scope, out); scope.pop(); }
    else {
      const over = evaluate(n.expr, dot, scope);
      const entries: [Value, Value][] = Array.isArray(over) ? over.map((v, i) => [i, v]) : isMap(over) ? Object.keys(over).sort().map((k) => [k, over[k]]) : [];
      for (const [k, v] of entries) {
        scope.push();
        if (n.key) scope.declare(n.key, k);
        if (n.value) scope.declare(n.value, v);
        run(n.body, v, scope, out);
        scope.pop();
      }
    }
  }
}

/** Renders a template against data (the object the template's `.` is). */
export function renderGoTemplate(src: string, data: Value): string {
  const out: string[] = [];
  run(parse(src), data, new Scope(data), out);
  return out.join("");
}
