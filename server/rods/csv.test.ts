import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "./csv";

describe("csvCell", () => {
  it("quotes commas, quotes and line breaks as RFC 4180 does", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("plain")).toBe("plain");
  });

  it("writes empty cells for missing values, numbers as they are and dates as ISO 8601", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(-0.25)).toBe("-0.25");
    expect(csvCell(new Date("2026-01-02T03:04:05.000Z"))).toBe("2026-01-02T03:04:05.000Z");
  });

  it("neutralises text a spreadsheet would run as a formula", () => {
    expect(csvCell("=HYPERLINK(\"http://evil.example\",\"x\")")).toBe("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"");
    expect(csvCell("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1:A2)")).toBe("'@SUM(A1:A2)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell("\r=1")).toBe("\"'\r=1\"");
  });

  it("keeps numbers written as text, signs and exponents included", () => {
    for (const n of ["-0.5", "+3", "-1e-3", ".5", "12."]) expect(csvCell(n)).toBe(n);
  });
});

describe("csvLine", () => {
  it("joins the cells of a row with commas", () => {
    expect(csvLine(["run =1", 2, null, "=2"])).toBe("run =1,2,,'=2");
  });
});
