import { describe, expect, it } from "vitest";
import { CallParseError, parseCall, parseCallList } from "./python-call";

describe("parseCall", () => {
  it("parses keyword arguments of every literal type", () => {
    expect(
      parseCall(
        "f(s='a', d=\"it's\", i=-3, x=2.5, e=1e-06, big=1_000, t=True, n=None, l=['#a', 1], tu=(1, 'b'), one=(1,), dd={'k': [1, {'z': False}], 2: 'two'})",
      ),
    ).toEqual({
      name: "f",
      args: {
        s: "a",
        d: "it's",
        i: -3,
        x: 2.5,
        e: 1e-6,
        big: 1000,
        t: true,
        n: null,
        l: ["#a", 1],
        tu: [1, "b"],
        one: [1],
        dd: { k: [1, { z: false }], "2": "two" },
      },
      positional: [],
    });
  });

  it("parses positional arguments before keywords", () => {
    expect(parseCall("message_login('USR001')")).toEqual({ name: "message_login", args: {}, positional: ["USR001"] });
    expect(parseCall("g( 1 , b = 2 , )")).toEqual({ name: "g", args: { b: 2 }, positional: [1] });
    expect(parseCall("h()")).toEqual({ name: "h", args: {}, positional: [] });
  });

  it("decodes string escapes and quoting forms", () => {
    expect(parseCall(String.raw`f(a='|/\\?%*:"><', b='line1\nline2\ttab', c="q\"q", d='\x41\u00e9\U0001F600\101')`).args).toEqual({
      a: '|/\\?%*:"><',
      b: "line1\nline2\ttab",
      c: 'q"q',
      d: "Aé😀A",
    });
    expect(parseCall(`f(a='''multi\nline 'q' ''', b="""x""", c=r'raw\\n', d='ab' "cd", e=u'uni', f='\\d')`).args).toEqual({
      a: "multi\nline 'q' ",
      b: "x",
      c: "raw\\n",
      d: "abcd",
      e: "uni",
      f: "\\d",
    });
  });

  it("parses number forms", () => {
    expect(parseCall("f(a=.5, b=5., c=1E3, d=0x1F, e=-0.0, f=+7, g=0, h=00)").args).toEqual({
      a: 0.5,
      b: 5,
      c: 1000,
      d: 31,
      e: -0,
      f: 7,
      g: 0,
      h: 0,
    });
  });

  it("rejects what is not a literal call, with a position", () => {
    const bad: Array<[string, RegExp]> = [
      ["os.path(a=1)", /attribute access/],
      ["f(a=g(1))", /nested calls/],
      ["f(a=x)", /name 'x' is not a literal/],
      ["f(a=1+2)", /expressions are not supported/],
      ["f(a=x.y)", /attribute access/],
      ["f(a=1, 2)", /positional argument follows keyword argument/],
      ["f(a=1, a=2)", /keyword argument repeated: a/],
      ["f(a='open)", /unterminated string/],
      ["f(a=1", /unexpected end of input/],
      ["f(a=1) extra", /after the call/],
      ["f(**kw)", /\*args and \*\*kwargs/],
      ["f(a={1, 2})", /set literals/],
      ["f(a=b'x')", /bytes literals/],
      ["f(a=2j)", /complex numbers/],
      ["f(a=[1 2])", /unexpected '2' in list/],
      ["f(a=-'x')", /unary '-' applies to numbers only/],
      ["", /expected a name/],
    ];
    for (const [src, message] of bad) {
      let err: unknown;
      try {
        parseCall(src);
      } catch (e) {
        err = e;
      }
      expect(err, src).toBeInstanceOf(CallParseError);
      expect((err as CallParseError).message, src).toMatch(message);
      expect((err as CallParseError).position, src).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("parseCallList", () => {
  it("parses bracketed and bare lists", () => {
    expect(parseCallList("[cd(folder='document'), ls(a=True)]").map((c) => c.name)).toEqual(["cd", "ls"]);
    expect(parseCallList(" [ f(a=[1, 2]) , ] ")[0].args).toEqual({ a: [1, 2] });
    expect(parseCallList("[]")).toEqual([]);
    expect(parseCallList("f(a=1), g(b=2)").map((c) => c.name)).toEqual(["f", "g"]);
    expect(() => parseCallList("[f(a=1) g(b=2)]")).toThrow(CallParseError);
  });
});
