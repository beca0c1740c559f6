import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../db";
import { AppError } from "../errors";
import { resetData, testDb } from "../../test/db";
import { listDatasets } from "./dataset-service";
import { BFCL_DATASET, SHIPPED_BFCL_DIR, importTaskFolder } from "./import-service";

const db = testDb();

async function snapshotCounts() {
  return { tasks: await db.task.count(), datasets: await db.dataset.count() };
}

describe("importing BFCL folders", () => {
  beforeAll(() => resetData(db));
  afterAll(() => disconnectDb());

  it("imports the 800 shipped entries with splits by scenario parity, 200 per category", async () => {
    const summary = await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    expect(summary).toEqual({ dataset: BFCL_DATASET, read: 800, created: 800, unchanged: 0 });
    const bySplit = await db.task.groupBy({ by: ["split"], _count: { _all: true }, orderBy: { split: "asc" } });
    expect(bySplit.map((r) => [r.split, r._count._all])).toEqual([["train", 400], ["test", 400]]);
    const byCategory = await db.task.groupBy({ by: ["category"], _count: { _all: true }, orderBy: { category: "asc" } });
    expect(byCategory.map((r) => [r.category, r._count._all])).toEqual([["base", 200], ["long_context", 200], ["miss_func", 200], ["miss_param", 200]]);
    const task = await db.task.findFirstOrThrow({ where: { externalId: "multi_turn_miss_param_17" } });
    expect(task.split).toBe("test");
    expect(task.scenarioIndex).toBe(17);
    const base0 = await db.task.findFirstOrThrow({ where: { externalId: "multi_turn_base_0" } });
    expect((base0.groundTruth as { name: string; args: unknown; source: string }[][])[2]![0]).toEqual({
      name: "sort",
      args: { file_name: "final_report.pdf" }, // the positional argument bound to the first parameter
      source: "sort('final_report.pdf')",
    });
    const missFunc = await db.task.findFirstOrThrow({ where: { category: "miss_func", NOT: { missedFunctions: { equals: {} } } } });
    expect(Object.keys(missFunc.missedFunctions as object).length).toBeGreaterThan(0);
  });

  it("changes nothing when run again", async () => {
    const before = await db.task.findMany({ select: { id: true, updatedAt: true }, orderBy: { id: "asc" } });
    const summary = await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: BFCL_DATASET, origin: "seed" });
    expect(summary.created).toBe(0);
    expect(summary.unchanged).toBe(800);
    expect(await db.task.findMany({ select: { id: true, updatedAt: true }, orderBy: { id: "asc" } })).toEqual(before);
  });

  it("lists each imported dataset once with its split sizes, as the launch form's picker shows them", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rods-second-"));
    cpSync(SHIPPED_BFCL_DIR, dir, { recursive: true });
    await importTaskFolder({ db, dir, datasetName: "bfcl-copy", origin: "imported" });
    const listed = await listDatasets({ db });
    expect(listed.map(({ name, train, test, tasks }) => ({ name, train, test, tasks }))).toEqual([
      { name: BFCL_DATASET, train: 400, test: 400, tasks: 800 },
      { name: "bfcl-copy", train: 400, test: 400, tasks: 800 },
    ]);
    await db.dataset.delete({ where: { name: "bfcl-copy" } });
    expect((await listDatasets({ db })).map((d) => d.name)).toEqual([BFCL_DATASET]);
  });

  it("rejects a folder with a broken line, names the file and line, and leaves the database as it was", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rods-import-"));
    cpSync(SHIPPED_BFCL_DIR, dir, { recursive: true });
    const file = path.join(dir, "questions", "miss_param.jsonl");
    const lines = readFileSync(file, "utf8").split("\n");
    lines[41] = lines[41]!.slice(0, 60); // truncate line 42
    writeFileSync(file, lines.join("\n"));
    const answers = path.join(dir, "answers", "base.jsonl");
    const aLines = readFileSync(answers, "utf8").split("\n");
    const entry = JSON.parse(aLines[4]!) as { id: string; ground_truth: string[][] };
    entry.ground_truth[0]![0] = "os.system('rm -rf /')";
    aLines[4] = JSON.stringify(entry);
    writeFileSync(answers, aLines.join("\n"));

    const before = await snapshotCounts();
    const error = await importTaskFolder({ db, dir, datasetName: "broken-copy", origin: "imported" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("BAD_REQUEST");
    expect((error as AppError).message).toContain(`${file}:42: not valid JSON`);
    expect((error as AppError).message).toContain(`${answers}:5: cannot parse call`);
    expect((error as AppError).message).toContain("Nothing was imported");
    expect(await snapshotCounts()).toEqual(before);
    expect(await db.dataset.findUnique({ where: { name: "broken-copy" } })).toBeNull();
  });

  it("refuses invalid UTF-8, a NUL character and an unknown class with file:line, and writes no Dataset row", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rods-import-bad-"));
    cpSync(SHIPPED_BFCL_DIR, dir, { recursive: true });
    const file = path.join(dir, "questions", "base.jsonl");
    const lines = readFileSync(file, "utf8").split("\n");
    const third = JSON.parse(lines[2]!) as { involved_classes: string[]; question: { content: string }[][] };
    third.involved_classes = ["EvilAPI"];
    lines[2] = JSON.stringify(third);
    const fourth = JSON.parse(lines[3]!) as { question: { content: string }[][] };
    fourth.question[0]![0]!.content = "nul \u0000 here";
    lines[3] = JSON.stringify(fourth);
    const bytes = Buffer.from(lines.join("\n"), "utf8");
    // Line 2 gets a lone 0xFF byte inside a string: not UTF-8 at all.
    const lineTwoStart = bytes.indexOf(0x0a) + 1;
    const quote = bytes.indexOf(0x22, lineTwoStart + 10);
    bytes[quote + 1] = 0xff;
    writeFileSync(file, bytes);

    const before = await snapshotCounts();
    const error = await importTaskFolder({ db, dir, datasetName: "bad-bytes", origin: "imported" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const message = (error as AppError).message;
    expect(message).toContain(`${file}:2: not valid UTF-8`);
    expect(message).toContain(`${file}:3: unknown API class EvilAPI`);
    expect(message).toContain(`${file}:4: contains a NUL character`);
    expect(message).not.toMatch(/\n\s+at /); // no stack trace
    expect(await snapshotCounts()).toEqual(before);
    expect(await db.dataset.findUnique({ where: { name: "bad-bytes" } })).toBeNull();
  });

  it("refuses empty and odd dataset names before reading anything", async () => {
    for (const name of ["", "   ", "../etc", "a b", "x\u0000y"]) {
      const error = await importTaskFolder({ db, dir: SHIPPED_BFCL_DIR, datasetName: name, origin: "imported" }).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(AppError);
      expect((error as AppError).message).toMatch(/Dataset name .*Nothing was imported/);
    }
    expect(await db.dataset.count()).toBe(1);
  });

  it("names a folder that is not in BFCL format", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rods-empty-"));
    await expect(importTaskFolder({ db, dir, datasetName: "x", origin: "imported" })).rejects.toThrow(/expected the folders questions\/ and answers\//);
  });
});
