/**
 * A strict JSON reader that reports malformed text as a value instead of throwing. Rules never use try/catch (an
 * UnknownValueError must reach the engine), so `JSON.parse` cannot be guarded; policy documents are small, and a
 * malformed one is a finding, not a crash.
 */
export type JsonResult = { ok: true; value: unknown } | { ok: false; error: string };

class Reader {
  pos = 0;
  error: string | undefined;
  constructor(private readonly text: string) {}

  fail(what: string): undefined {
    this.error ??= `${what} at offset ${this.pos}`;
    return undefined;
  }

  skip(): void {
    while (this.pos < this.text.length && " \t\n\r".includes(this.text[this.pos]!)) this.pos++;
  }

  value(depth: number): unknown {
    if (depth > 64) return this.fail("nesting too deep");
    this.skip();
    const c = this.text[this.pos];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.fail(c === undefined ? "unexpected end" : `unexpected ${JSON.stringify(c)}`);
  }

  object(depth: number): Record<string, unknown> | undefined {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skip();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skip();
      if (this.text[this.pos] !== '"') return this.fail("expected a property name");
      const key = this.string();
      if (this.error !== undefined || key === undefined) return undefined;
      this.skip();
      if (this.text[this.pos] !== ":") return this.fail('expected ":"');
      this.pos++;
      const v = this.value(depth + 1);
      if (this.error !== undefined) return undefined;
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.skip();
      const next = this.text[this.pos];
      this.pos++;
      if (next === "}") return out;
      if (next !== ",") return this.fail('expected "," or "}"');
    }
  }

  array(depth: number): unknown[] | undefined {
    const out: unknown[] = [];
    this.pos++;
    this.skip();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      if (this.error !== undefined) return undefined;
      this.skip();
      const next = this.text[this.pos];
      this.pos++;
      if (next === "]") return out;
      if (next !== ",") return this.fail('expected "," or "]"');
    }
  }

  string(): string | undefined {
    let out = "";
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) return this.fail("unterminated string");
      this.pos++;
      if (c === '"') return out;
      if (c < " ") return this.fail("control character in string");
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.text[this.pos];
      this.pos++;
      const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(parseInt(this.text.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else return this.fail("bad escape in string");
    }
  }

  number(): number | undefined {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!m) return this.fail("bad number");
    this.pos += m[0].length;
    return Number(m[0]);
  }
}

export function parseJson(text: string): JsonResult {
  const r = new Reader(text);
  const value = r.value(0);
  if (r.error === undefined) {
    r.skip();
    if (r.pos < text.length) r.fail("trailing text");
  }
  return r.error === undefined ? { ok: true, value } : { ok: false, error: r.error };
}
