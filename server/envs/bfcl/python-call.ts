// Parser for BFCL's Python-syntax calls, e.g. `mv(source='a.txt', destination='temp')` or a model's
// "[f(a=1), g(b='x')]". Only literal arguments are accepted: anything that would need evaluation is an error.
// Python values map to JS as in api-class.ts; tuples become arrays (as they would arriving through JSON).

export interface ParsedCall {
  name: string;
  /** Keyword arguments in source order. */
  args: Record<string, unknown>;
  /** Positional arguments in order (BFCL ground truth has at most one). */
  positional: unknown[];
}

export class CallParseError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly source: string,
  ) {
    super(`${message} at position ${position}`);
    this.name = "CallParseError";
  }
}

const ID_START = /[\p{L}_]/u;
const ID_CONT = /[\p{L}\p{N}_]/u;

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  fail(message: string, at = this.pos): never {
    throw new CallParseError(message, at, this.src);
  }

  skipSpace(): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") this.pos++;
      else if (c === "\\" && (s[this.pos + 1] === "\n" || s[this.pos + 1] === "\r")) this.pos += 2;
      else break;
    }
  }

  peek(): string {
    return this.src[this.pos] ?? "";
  }

  expect(ch: string): void {
    this.skipSpace();
    if (this.src[this.pos] !== ch) {
      const found = this.pos < this.src.length ? `'${this.src[this.pos]}'` : "end of input";
      this.fail(`expected '${ch}' but found ${found}`);
    }
    this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.src.length;
  }

  identifier(): string {
    const s = this.src;
    const start = this.pos;
    if (!ID_START.test(s[this.pos] ?? "")) this.fail("expected a name");
    this.pos++;
    while (this.pos < s.length && ID_CONT.test(s[this.pos])) this.pos++;
    return s.slice(start, this.pos);
  }

  call(): ParsedCall {
    this.skipSpace();
    const nameStart = this.pos;
    const name = this.identifier();
    this.skipSpace();
    if (this.peek() === ".") this.fail(`attribute access is not supported (in '${name}.')`);
    if (this.peek() !== "(") this.fail(`expected '(' after function name '${name}'`);
    if (name === "True" || name === "False" || name === "None") this.fail(`'${name}' is not a function name`, nameStart);
    this.pos++;
    const args: Record<string, unknown> = {};
    const positional: unknown[] = [];
    let sawKeyword = false;
    for (;;) {
      this.skipSpace();
      if (this.peek() === ")") {
        this.pos++;
        break;
      }
      const argStart = this.pos;
      if (this.peek() === "*") this.fail("*args and **kwargs are not supported");
      let keyword: string | undefined;
      if (ID_START.test(this.peek())) {
        const save = this.pos;
        const id = this.identifier();
        this.skipSpace();
        if (this.peek() === "=" && this.src[this.pos + 1] !== "=") {
          this.pos++;
          keyword = id;
        } else this.pos = save;
      }
      const value = this.value();
      if (keyword !== undefined) {
        if (Object.prototype.hasOwnProperty.call(args, keyword)) this.fail(`keyword argument repeated: ${keyword}`, argStart);
        args[keyword] = value;
        sawKeyword = true;
      } else {
        if (sawKeyword) this.fail("positional argument follows keyword argument", argStart);
        positional.push(value);
      }
      this.skipSpace();
      const c = this.peek();
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === ")") {
        this.pos++;
        break;
      }
      this.unexpectedAfterValue("argument");
    }
    return { name, args, positional };
  }

  unexpectedAfterValue(where: string): never {
    const c = this.peek();
    if (c === "") this.fail(`unexpected end of input in ${where}`);
    if ("+-*/%@&|^<>=!".includes(c)) this.fail(`expressions are not supported (operator '${c}')`);
    if (c === "(") this.fail("nested calls are not supported");
    if (c === ".") this.fail("attribute access is not supported");
    if (c === "[") this.fail("subscripts are not supported");
    this.fail(`unexpected '${c}' in ${where}`);
  }

  value(): unknown {
    this.skipSpace();
    const start = this.pos;
    const c = this.peek();
    if (c === "") this.fail("expected a value but found end of input");
    if (c === "[") return this.sequence("]");
    if (c === "(") {
      this.pos++;
      this.skipSpace();
      if (this.peek() === ")") {
        this.pos++;
        return [];
      }
      const first = this.value();
      this.skipSpace();
      if (this.peek() === ")") {
        this.pos++;
        return first; // a parenthesised value, not a tuple
      }
      if (this.peek() !== ",") this.unexpectedAfterValue("tuple");
      this.pos++;
      const rest = this.sequence(")", true);
      return [first, ...rest];
    }
    if (c === "{") return this.dict();
    if (c === "-" || c === "+") {
      this.pos++;
      const v = this.value();
      if (typeof v !== "number") this.fail(`unary '${c}' applies to numbers only`, start);
      return c === "-" ? -v : v;
    }
    if (c === "'" || c === '"') return this.strings();
    if ((c >= "0" && c <= "9") || (c === "." && /[0-9]/.test(this.src[this.pos + 1] ?? ""))) return this.number();
    if (ID_START.test(c)) {
      const id = this.identifier();
      const next = this.peek();
      if ((next === "'" || next === '"') && /^[rRuUbBfF]{1,2}$/.test(id)) {
        const lower = id.toLowerCase();
        if (lower.includes("b")) this.fail("bytes literals are not supported", start);
        if (lower.includes("f")) this.fail("f-strings are not supported", start);
        if (lower.length === 2) this.fail(`invalid string prefix '${id}'`, start);
        this.pos = start;
        return this.strings();
      }
      if (id === "True") return true;
      if (id === "False") return false;
      if (id === "None") return null;
      this.skipSpace();
      if (this.peek() === "(") this.fail(`nested calls are not supported (call to '${id}')`, start);
      if (this.peek() === ".") this.fail(`attribute access is not supported ('${id}.')`, start);
      this.fail(`name '${id}' is not a literal (variables are not supported)`, start);
    }
    this.fail(`unexpected '${c}' where a value was expected`);
  }

  /** Items up to `close`; the opening bracket is consumed here unless `opened`. */
  sequence(close: string, opened = false): unknown[] {
    if (!opened) this.pos++;
    const items: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.peek() === close) {
        this.pos++;
        return items;
      }
      items.push(this.value());
      this.skipSpace();
      const c = this.peek();
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === close) {
        this.pos++;
        return items;
      }
      this.unexpectedAfterValue(close === "]" ? "list" : "tuple");
    }
  }

  dict(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace();
      if (this.peek() === "}") {
        this.pos++;
        return out;
      }
      const keyStart = this.pos;
      const key = this.value();
      this.skipSpace();
      if (this.peek() === "," || this.peek() === "}") this.fail("set literals are not supported", keyStart);
      if (this.peek() !== ":") this.unexpectedAfterValue("dict");
      this.pos++;
      const value = this.value();
      out[dictKey(key, () => this.fail("unhashable dict key", keyStart))] = value;
      this.skipSpace();
      const c = this.peek();
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === "}") {
        this.pos++;
        return out;
      }
      this.unexpectedAfterValue("dict");
    }
  }

  /** One or more adjacent string literals (Python concatenates them). */
  strings(): string {
    let out = this.stringLiteral();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      const c = this.peek();
      const c2 = this.src[this.pos + 1] ?? "";
      if (c === "'" || c === '"' || (/[rRuU]/.test(c) && (c2 === "'" || c2 === '"'))) out += this.stringLiteral();
      else {
        this.pos = save;
        return out;
      }
    }
  }

  stringLiteral(): string {
    const s = this.src;
    const start = this.pos;
    let raw = false;
    if (/[rRuU]/.test(s[this.pos])) {
      raw = s[this.pos] === "r" || s[this.pos] === "R";
      this.pos++;
    }
    const q = s[this.pos];
    const triple = s.startsWith(q.repeat(3), this.pos);
    const delim = triple ? q.repeat(3) : q;
    this.pos += delim.length;
    let out = "";
    for (;;) {
      if (this.pos >= s.length) this.fail("unterminated string literal", start);
      const c = s[this.pos];
      if (s.startsWith(delim, this.pos)) {
        this.pos += delim.length;
        return out;
      }
      if (!triple && (c === "\n" || c === "\r")) this.fail("unterminated string literal (newline inside)", start);
      if (c !== "\\") {
        out += c;
        this.pos++;
        continue;
      }
      const e = s[this.pos + 1];
      if (e === undefined) this.fail("unterminated string literal", start);
      if (raw) {
        // A raw string keeps the backslash; it still stops a quote from ending the string.
        out += c + e;
        this.pos += 2;
        continue;
      }
      this.pos += 2;
      switch (e) {
        case "\n":
          break;
        case "\r":
          if (s[this.pos] === "\n") this.pos++;
          break;
        case "\\":
        case "'":
        case '"':
          out += e;
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "a":
          out += "\x07";
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "v":
          out += "\v";
          break;
        case "x":
          out += this.hexEscape(2, start);
          break;
        case "u":
          out += this.hexEscape(4, start);
          break;
        case "U":
          out += this.hexEscape(8, start);
          break;
        case "N":
          this.fail("\\N{...} escapes are not supported", this.pos - 2);
          break;
        default:
          if (e >= "0" && e <= "7") {
            let digits = e;
            while (digits.length < 3 && /[0-7]/.test(s[this.pos] ?? "")) digits += s[this.pos++];
            out += String.fromCodePoint(parseInt(digits, 8));
          } else out += `\\${e}`; // unknown escapes keep their backslash, as in Python
      }
    }
  }

  hexEscape(len: number, start: number): string {
    const hex = this.src.slice(this.pos, this.pos + len);
    if (hex.length < len || !/^[0-9a-fA-F]+$/.test(hex)) this.fail(`truncated \\${len === 2 ? "x" : len === 4 ? "u" : "U"} escape`, this.pos - 2);
    this.pos += len;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) this.fail("illegal Unicode character in escape", start);
    return String.fromCodePoint(code);
  }

  number(): number {
    const s = this.src;
    const start = this.pos;
    const prefixed = /^0[xXoObB]/.exec(s.slice(this.pos, this.pos + 2));
    if (prefixed) {
      const m = /^0([xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)/.exec(s.slice(this.pos));
      if (!m) this.fail("invalid number literal");
      this.pos += m[0].length;
      const body = m[1].slice(1).replace(/_/g, "");
      this.checkNumberEnd(start);
      return Number(BigInt(`0${m[1][0].toLowerCase()}${body}`));
    }
    const m = /^(?:\d[\d_]*)?(?:\.(?:\d[\d_]*)?)?(?:[eE][+-]?\d[\d_]*)?/.exec(s.slice(this.pos));
    if (!m || m[0] === "" || m[0] === ".") this.fail("invalid number literal");
    this.pos += m[0].length;
    this.checkNumberEnd(start);
    const text = m[0].replace(/_/g, "");
    if (/^0\d/.test(text) && /^[0-9]+$/.test(text) && !/^0+$/.test(text)) {
      this.fail("leading zeros in decimal integer literals are not permitted", start);
    }
    return Number(text);
  }

  checkNumberEnd(start: number): void {
    const c = this.peek();
    if (c === "j" || c === "J") this.fail("complex numbers are not supported", start);
    if (ID_CONT.test(c)) this.fail("invalid number literal", start);
  }
}

function dictKey(key: unknown, onError: () => never): string {
  if (typeof key === "string") return key;
  if (typeof key === "number" || typeof key === "boolean") return String(key);
  if (key === null) return "None";
  return onError();
}

/** Parse one call such as `cd(folder='document')`. */
export function parseCall(source: string): ParsedCall {
  const p = new Parser(source);
  const call = p.call();
  if (!p.atEnd()) p.fail(`unexpected '${p.peek()}' after the call`);
  return call;
}

/** Parse a list of calls as models write them: "[f(a=1), g(b=2)]", or bare calls separated by commas. */
export function parseCallList(source: string): ParsedCall[] {
  const p = new Parser(source);
  p.skipSpace();
  const bracketed = p.peek() === "[";
  if (bracketed) p.pos++;
  const calls: ParsedCall[] = [];
  for (;;) {
    p.skipSpace();
    if (bracketed && p.peek() === "]") {
      p.pos++;
      break;
    }
    if (!bracketed && p.atEnd()) break;
    calls.push(p.call());
    p.skipSpace();
    if (p.peek() === ",") {
      p.pos++;
      continue;
    }
    if (bracketed) {
      p.expect("]");
      break;
    }
    if (!p.atEnd()) p.fail(`expected ',' between calls but found '${p.peek()}'`);
    break;
  }
  if (!p.atEnd()) p.fail(`unexpected '${p.peek()}' after the call list`);
  return calls;
}
