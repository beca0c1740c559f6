// Unit tests of GorillaFileSystem; the replay of the reference traces, for every class, is ../differential.test.ts.
import { describe, expect, it } from "vitest";
import { createBfclEnvironment } from "../bfcl-env";
import { createGorillaFileSystem } from "./gorilla-file-system";

const CLASS = "GorillaFileSystem";

function fsEnv(root: Record<string, unknown>, longContext = false) {
  return createBfclEnvironment({ involvedClasses: [CLASS], initialConfig: { [CLASS]: { root } }, longContext });
}

const SAMPLE = {
  alex: {
    type: "directory",
    contents: {
      "notes.txt": { type: "file", content: "b line\na line" },
      ".hidden": { type: "file", content: "secret" },
      docs: { type: "directory", contents: { "report.txt": { type: "file", content: "Q1 done\nQ2 pending" } } },
    },
  },
};

describe("GorillaFileSystem", () => {
  it("navigates, lists and reports paths as BFCL does", () => {
    const env = fsEnv(SAMPLE);
    expect(env.executeString("ls()").output).toBe('{"current_directory_content": ["notes.txt", "docs"]}');
    expect(env.executeString("ls(a=True)").output).toBe('{"current_directory_content": ["notes.txt", ".hidden", "docs"]}');
    expect(env.executeString("cd(folder='docs')").output).toBe('{"current_working_directory": "docs"}');
    expect(env.executeString("pwd()").output).toBe('{"current_working_directory": "/alex/docs"}');
    expect(env.executeString("cd(folder='..')").output).toBe("{}");
    expect(env.executeString("cd(folder='..')").output).toBe('{"error": "Current directory is already the root. Cannot go back."}');
    expect(env.executeString("find(path='.', name='rep')").output).toBe('{"matches": ["./docs/report.txt"]}');
  });

  it("keeps Python's argument quirks: unhashable names raise, other non-str names are not found", () => {
    const env = fsEnv(SAMPLE);
    expect(env.executeString("cat(file_name=[])").output).toBe("Error during execution: unhashable type: 'list'");
    expect(env.executeString("rm(file_name=5)").output).toBe('{"error": "rm: cannot remove \'5\': No such file or directory"}');
    expect(env.executeString("touch(file_name=0)").output).toBe("Error during execution: argument of type 'int' is not iterable");
    expect(env.executeString("touch(file_name='a:b')").output).toBe('{"error": "touch: cannot touch \'a:b\': Invalid character"}');
    expect(env.executeString("wc(file_name=0, mode=None)").output).toBe('{"error": "wc: invalid mode \'None\'"}');
  });

  it("edits files and directories", () => {
    const env = fsEnv(SAMPLE);
    expect(env.executeString("sort(file_name='notes.txt')").output).toBe('{"sorted_content": "a line\\nb line"}');
    expect(env.executeString("mv(source='notes.txt', destination='docs')").output).toBe(
      '{"result": "\'notes.txt\' moved to \'docs/notes.txt\'"}',
    );
    expect(env.executeString("echo(content='hi', file_name='missing.txt')").output).toBe(
      '{"error": "echo: cannot write to \'missing.txt\': No such file"}',
    );
    expect(env.executeString("du(human_readable=True)").output).toBe('{"disk_usage": "37.00 B"}');
    expect(env.executeString("rmdir(dir_name='docs')").output).toBe('{"error": "rmdir: cannot remove \'docs\': Directory not empty"}');
  });

  it("pads long-context scenarios: file contents extended, leaf directories filled", () => {
    const fs = createGorillaFileSystem();
    fs.loadScenario({ root: SAMPLE }, true);
    const root = fs.publicState().root as { contents: Record<string, { content?: string; contents?: Record<string, unknown> }> };
    expect(root.contents["notes.txt"].content?.startsWith("b line\na lineThe company's financials")).toBe(true);
    expect(Object.keys(root.contents).length).toBe(3); // the root has a subdirectory, so it is not padded
    expect(Object.keys(root.contents.docs.contents ?? {}).length).toBe(31);
  });

  it("snapshot and restore bring back the tree and the working directory", () => {
    const fs = createGorillaFileSystem();
    fs.loadScenario({ root: SAMPLE }, false);
    fs.tools.cd({ folder: "docs" });
    const snap = fs.snapshot();
    const before = JSON.stringify(fs.publicState());
    fs.tools.rm({ file_name: "report.txt" });
    fs.tools.cd({ folder: ".." });
    fs.restore(snap);
    expect(JSON.stringify(fs.publicState())).toBe(before);
    expect(fs.tools.pwd({})).toEqual({ current_working_directory: "/alex/docs" });
  });
});
