// Unit tests of MathAPI; the replay of the reference traces, for every class, is ../differential.test.ts.
import { describe, expect, it } from "vitest";
import { createBfclEnvironment } from "../bfcl-env";

const CLASS = "MathAPI";

const env = createBfclEnvironment({ involvedClasses: [CLASS], initialConfig: {}, longContext: false });
const run = (call: string) => env.executeString(call).output;

// Expected strings below were produced by CPython 3.11 (with mpmath 1.3 and the decimal module).
describe("MathAPI reproduces Python's numbers exactly", () => {
  it("rounds half to even on the exact binary value", () => {
    expect(run("round_number(number=2.675, decimal_places=2)")).toBe('{"result": 2.67}');
    expect(run("round_number(number=0.5)")).toBe('{"result": 0.0}');
    expect(run("round_number(number=2.5)")).toBe('{"result": 2.0}');
    expect(run("round_number(number=-0.4)")).toBe('{"result": -0.0}');
    expect(run("round_number(number=1234.5678, decimal_places=-2)")).toBe('{"result": 1200.0}');
    expect(run("round_number(number=0.125, decimal_places=2)")).toBe('{"result": 0.12}');
    expect(run("round_number(number='5')")).toBe('{"error": "First input must be a number, second input must be an integer"}');
  });

  it("prints mpmath logarithms at the requested precision", () => {
    expect(run("logarithm(value=100, base=10, precision=5)")).toBe("{'result': mpf('2.0')}");
    expect(run("logarithm(value=2, base=10, precision=50)")).toBe(
      "{'result': mpf('0.30102999566398119521373889472449302676818988146210811')}",
    );
    expect(run("logarithm(value=1e-300, base=7, precision=20)")).toBe("{'result': mpf('-354.9883987364814980324')}");
    expect(run("logarithm(value=5, base=1.0000001, precision=10)")).toBe("{'result': mpf('16094379.9198')}");
    expect(run("logarithm(value=0.999999, base=3, precision=12)")).toBe("{'result': mpf('-9.10239681772926e-7')}");
    expect(run("logarithm(value=0.621371, base=2.54, precision=0.001)")).toBe("{'result': mpf('-0.625')}");
    expect(run("logarithm(value=36.0, base=-1, precision=5)")).toBe("{'result': mpc(real='0.0', imag='-1.1406689')}");
    expect(run("logarithm(value=5, base=1, precision=5)")).toBe('{"error": ""}');
    expect(run("logarithm(value='x', base=1, precision=5)")).toBe('{"error": "cannot create mpf from \'x\'"}');
  });

  it("prints Decimal square roots with the context precision", () => {
    expect(run("square_root(number=2, precision=10)")).toBe("{'result': Decimal('1.414213562')}");
    expect(run("square_root(number=1e-12, precision=5)")).toBe("{'result': Decimal('0.0000010000')}");
    expect(run("square_root(number=144, precision=1)")).toBe("{'result': Decimal('1E+1')}");
    expect(run("square_root(number=0.0625, precision=3)")).toBe("{'result': Decimal('0.25')}");
    expect(run("square_root(number=1e22, precision=4)")).toBe("{'result': Decimal('1.000E+11')}");
    expect(run("square_root(number=123456789, precision=30)")).toBe("{'result': Decimal('11111.1110605555554405416661434')}");
    // A negative number has its own message (fuzz_b, multi_turn_base_45#fuzz2026.1), whatever the precision.
    expect(run("square_root(number=-4, precision=3)")).toBe('{"error": "Cannot calculate square root of a negative number"}');
    expect(run("square_root(number=-0.5, precision=2147483648)")).toBe('{"error": "Cannot calculate square root of a negative number"}');
    expect(run("square_root(number=4, precision=-1)").startsWith("Error during execution:")).toBe(true);
  });

  it("follows C pow, true division and the unit tables", () => {
    expect(run("power(base=2.0, exponent=0.5)")).toBe('{"result": 1.4142135623730951}');
    expect(run("power(base=1.5, exponent=20.5)")).toBe('{"result": 4072.591126225418}');
    expect(run("power(base=0.9999, exponent=12345.6)")).toBe('{"result": 0.29094479662809}');
    expect(run("power(base=9, exponent=32)")).toBe('{"result": 3433683820292512484657849089281}');
    expect(run("divide(a=1, b=0)")).toBe('{"error": "Cannot divide by zero"}');
    expect(run("si_unit_conversion(value=3.28084, unit_in='nm', unit_out='nm')")).toBe('{"result": 3.2808399999999995}');
    expect(run("imperial_si_conversion(value=0.9144, unit_in='fahrenheit', unit_out='celsius')")).toBe('{"result": -17.26977777777778}');
    expect(run("mean(numbers=[45.99, 78.25, 102.5, 38.75, 92.1])")).toBe('{"result": 71.518}');
    expect(run("standard_deviation(numbers=[100, 95, 85, 90, 88, 92])")).toBe('{"result": 4.85340659285368}');
    expect(run("max_value(numbers='51479')")).toBe('{"result": "9"}');
    expect(run("add(a='Buy', b='nonexistent')")).toBe('{"result": "Buynonexistent"}');
  });
});
