// GorillaFileSystem: BFCL's simulated Unix-like file system (cd, ls, mv, grep, ...). Behaviour, messages and
// argument quirks are inferred from the reference traces: names are dict keys, so a non-str name is simply not
// found, while a list or dict raises TypeError (unhashable) and a few tools iterate over the name first.
import { PyException, type BfclApiClass } from "../api-class";
import { longContextData } from "../data";
import { isPlainObject, pyStr } from "../py-format";
import { pyTruthy, pyTypeName } from "./py-semantics";

interface FileNode {
  kind: "file";
  name: string;
  /** A str, except when echo wrote some other value. */
  content: unknown;
}

interface DirNode {
  kind: "dir";
  name: string;
  parent: DirNode | null;
  contents: Map<string, FsNode>;
}

type FsNode = FileNode | DirNode;

/** Names with any of these characters are refused by cat, touch and mkdir. */
const INVALID_NAME_CHARS = '|/\\?%*:"><';

interface LongContextPadding {
  fileContentExtension: string;
  populateFiles: readonly string[];
  tailUsedFiles: ReadonlySet<string>;
}

let paddingCache: LongContextPadding | undefined;
function longContextPadding(): LongContextPadding {
  if (!paddingCache) {
    const data = longContextData();
    paddingCache = {
      fileContentExtension: data.FILE_CONTENT_EXTENSION as string,
      populateFiles: data.POPULATE_FILE_EXTENSION as string[],
      tailUsedFiles: new Set(data.FILES_TAIL_USED as string[]),
    };
  }
  return paddingCache;
}

function newDir(name: string, parent: DirNode | null): DirNode {
  return { kind: "dir", name, parent, contents: new Map() };
}

function copyTree(dir: DirNode, parent: DirNode | null): DirNode {
  const out = newDir(dir.name, parent);
  for (const [key, node] of dir.contents) {
    out.contents.set(key, node.kind === "file" ? { kind: "file", name: node.name, content: node.content } : copyTree(node, out));
  }
  return out;
}

function canonicalNode(node: FsNode): Record<string, unknown> {
  if (node.kind === "file") return { type: "file", name: node.name, content: node.content };
  const contents: Record<string, unknown> = {};
  for (const [key, child] of node.contents) contents[key] = canonicalNode(child);
  return { type: "directory", name: node.name, contents };
}

/** Python `key in dict` / `dict.get(key)` for a dict whose keys are all str. */
function lookup(dir: DirNode, key: unknown): FsNode | undefined {
  if (typeof key === "string") return dir.contents.get(key);
  if (Array.isArray(key) || isPlainObject(key)) {
    throw new PyException("TypeError", `unhashable type: '${pyTypeName(key)}'`);
  }
  return undefined;
}

/** Python `any(c in name for c in INVALID_NAME_CHARS)`: True when the name is refused. */
function hasInvalidChar(name: unknown): boolean {
  if (typeof name === "string") {
    for (const c of INVALID_NAME_CHARS) if (name.includes(c)) return true;
    return false;
  }
  if (Array.isArray(name)) return name.some((x) => typeof x === "string" && x.length === 1 && INVALID_NAME_CHARS.includes(x));
  if (isPlainObject(name)) return Object.keys(name).some((k) => k.length === 1 && INVALID_NAME_CHARS.includes(k));
  throw new PyException("TypeError", `argument of type '${pyTypeName(name)}' is not iterable`);
}

function requireStr(value: unknown, method: string): string {
  if (typeof value !== "string") throw new PyException("AttributeError", `'${pyTypeName(value)}' object has no attribute '${method}'`);
  return value;
}

/** Python str.split('\n') needs a str; anything else raises before any result is formed. */
function contentText(file: FileNode, method: string): string {
  return requireStr(file.content, method);
}

/** f"{size / divisor:.2f}" for an integer size and a power-of-two divisor (so the quotient is exact): half to even. */
function formatFixed2(size: number, divisor: bigint): string {
  const num = BigInt(size) * 100n;
  let q = num / divisor;
  const r2 = (num % divisor) * 2n;
  if (r2 > divisor || (r2 === divisor && (q & 1n) === 1n)) q += 1n;
  const digits = q.toString().padStart(3, "0");
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** BFCL divides the byte count by 1024 until it is below 1024 (float division by 2^10 is exact here). */
function humanReadable(size: number): string {
  let divisor = 1n;
  for (const unit of ["B", "KB", "MB", "GB", "TB"]) {
    if (BigInt(size) < divisor * 1024n) return `${formatFixed2(size, divisor)} ${unit}`;
    divisor *= 1024n;
  }
  return `${formatFixed2(size, divisor)} PB`;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

interface FsSnapshot {
  longContext: boolean;
  root: DirNode;
  cwdPath: string[];
}

export function createGorillaFileSystem(): BfclApiClass {
  let longContext = false;
  let root = newDir("/", null);
  let cwd = root;

  function loadDirectory(config: Record<string, unknown>, parent: DirNode): void {
    const padding = longContext ? longContextPadding() : undefined;
    let isBottommost = true;
    for (const [name, raw] of Object.entries(config)) {
      const data = raw as Record<string, unknown>;
      if (data.type === "directory") {
        isBottommost = false;
        const dir = newDir(name, parent);
        loadDirectory((data.contents ?? {}) as Record<string, unknown>, dir);
        parent.contents.set(name, dir);
      } else if (data.type === "file") {
        let content = data.content;
        if (padding && !padding.tailUsedFiles.has(name)) content = `${String(content)}${padding.fileContentExtension}`;
        parent.contents.set(name, { kind: "file", name, content });
      }
    }
    // Long-context mode fills every leaf directory with empty image files.
    if (padding && isBottommost) {
      for (const name of padding.populateFiles) parent.contents.set(name, { kind: "file", name, content: "" });
    }
  }

  function pathOf(dir: DirNode): string[] {
    const names: string[] = [];
    for (let d: DirNode | null = dir; d && d.parent; d = d.parent) names.unshift(d.name);
    return names;
  }

  function absolutePath(dir: DirNode): string {
    const names: string[] = [];
    for (let d: DirNode | null = dir; d; d = d.parent) names.unshift(d.name);
    return `/${names.join("/")}`;
  }

  /** Resolve a relative or absolute directory path; undefined when any part is missing or not a directory. */
  function navigate(path: string): DirNode | undefined {
    if (path === ".") return cwd;
    let dir: DirNode = path.startsWith("/") ? root : cwd;
    const parts = path.startsWith("/") ? path.slice(1).split("/") : path.split("/");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part === "." || (part === "" && i > 0)) continue;
      if (part === "..") {
        if (!dir.parent) return undefined;
        dir = dir.parent;
        continue;
      }
      const next = dir.contents.get(part);
      if (!next || next.kind !== "dir") return undefined;
      dir = next;
    }
    return dir;
  }

  function fileIn(name: unknown): FileNode | undefined {
    const node = lookup(cwd, name);
    return node && node.kind === "file" ? node : undefined;
  }

  const s = (v: unknown) => pyStr(v);

  const tools: Record<string, (args: Record<string, unknown>) => unknown> = {
    pwd: () => ({ current_working_directory: absolutePath(cwd) }),

    ls: (args) => {
      const showHidden = pyTruthy(argOr(args, "a", false));
      const names = [...cwd.contents.keys()].filter((n) => showHidden || !n.startsWith("."));
      return { current_directory_content: names };
    },

    cd: (args) => {
      // BFCL calls folder.rstrip() first (non-str folders fail there); a trailing "/" is taken as the folder itself.
      const folder = requireStr(args.folder, "rstrip").replace(/\/+$/, "");
      // An empty name (after the trailing "/" is dropped) goes to the root, like a bare `cd`.
      if (folder === "") {
        cwd = root;
        return { current_working_directory: root.name };
      }
      if (folder === "..") {
        if (cwd.parent) {
          cwd = cwd.parent;
          return {};
        }
        if (cwd === root) return { error: "Current directory is already the root. Cannot go back." };
        return { error: "cd: ..: No such directory" };
      }
      if (folder.includes("/")) {
        return { error: `cd: ${folder}: Unsupported path. Only one folder level at a time is supported.` };
      }
      const target = cwd.contents.get(folder);
      if (!target || target.kind !== "dir") return { error: `cd: '${folder}': No such file or directory` };
      cwd = target;
      return { current_working_directory: target.name };
    },

    mkdir: (args) => {
      const name = args.dir_name;
      if (hasInvalidChar(name)) return { error: `mkdir: cannot create directory '${s(name)}': Invalid character` };
      if (lookup(cwd, name)) return { error: `mkdir: cannot create directory '${s(name)}': File exists` };
      const key = name as string;
      cwd.contents.set(key, newDir(key, cwd));
      return null;
    },

    touch: (args) => {
      const name = args.file_name;
      if (hasInvalidChar(name)) return { error: `touch: cannot touch '${s(name)}': Invalid character` };
      if (lookup(cwd, name)) return { error: `touch: cannot touch '${s(name)}': File exists` };
      const key = name as string;
      cwd.contents.set(key, { kind: "file", name: key, content: "" });
      return null;
    },

    echo: (args) => {
      const content = args.content;
      const fileName = argOr(args, "file_name", null);
      // BFCL checks the name's characters first (a non-iterable name raises there), then writes only to a truthy
      // name: None, '' and [] print to the terminal instead.
      if (fileName !== null && hasInvalidChar(fileName)) return { error: `echo: cannot write to '${s(fileName)}': Invalid character` };
      if (!pyTruthy(fileName)) return { terminal_output: content };
      const node = lookup(cwd, fileName);
      if (!node) return { error: `echo: cannot write to '${s(fileName)}': No such file` };
      if (node.kind !== "file") return { error: `echo: cannot write to '${s(fileName)}': Is a directory` };
      node.content = content;
      return null;
    },

    cat: (args) => {
      const name = args.file_name;
      if (hasInvalidChar(name)) return { error: `cat: '${s(name)}': Invalid character` };
      const node = lookup(cwd, name);
      if (!node) return { error: `cat: '${s(name)}': No such file or directory` };
      if (node.kind !== "file") return { error: `cat: '${s(name)}': Is a directory` };
      return { file_content: node.content };
    },

    find: (args) => {
      const path = requireStr(argOr(args, "path", "."), "strip");
      const name = argOr(args, "name", null);
      const start = navigate(path);
      if (!start) return { error: `find: '${path}': No such file or directory` };
      const matches: string[] = [];
      const walk = (dir: DirNode, base: string) => {
        for (const [itemName, item] of dir.contents) {
          const itemPath = `${base}/${itemName}`;
          if (name !== null && typeof name !== "string") {
            throw new PyException("TypeError", `'in <string>' requires string as left operand, not ${pyTypeName(name)}`);
          }
          if (name === null || itemName.includes(name)) matches.push(itemPath);
          if (item.kind === "dir") walk(item, itemPath);
        }
      };
      walk(start, path);
      return { matches };
    },

    wc: (args) => {
      const mode = argOr(args, "mode", "l");
      if (mode !== "l" && mode !== "w" && mode !== "c") return { error: `wc: invalid mode '${s(mode)}'` };
      const file = fileIn(args.file_name);
      if (!file) return { error: `wc: ${s(args.file_name)}: No such file or directory` };
      const text = contentText(file, mode === "c" ? "__len__" : "split");
      if (mode === "l") return { count: text.split("\n").length, type: "lines" };
      if (mode === "w") return { count: pySplitWhitespace(text).length, type: "words" };
      return { count: [...text].length, type: "characters" };
    },

    sort: (args) => {
      const file = fileIn(args.file_name);
      if (!file) return { error: `sort: ${s(args.file_name)}: No such file or directory` };
      const lines = contentText(file, "split").split("\n");
      lines.sort(comparePyStr);
      return { sorted_content: lines.join("\n") };
    },

    grep: (args) => {
      const file = fileIn(args.file_name);
      if (!file) return { error: `grep: ${s(args.file_name)}: No such file or directory` };
      const pattern = args.pattern;
      const lines = contentText(file, "split").split("\n");
      if (typeof pattern !== "string") {
        throw new PyException("TypeError", `'in <string>' requires string as left operand, not ${pyTypeName(pattern)}`);
      }
      return { matching_lines: lines.filter((line) => line.includes(pattern)) };
    },

    tail: (args) => {
      const file = fileIn(args.file_name);
      if (!file) return { error: `tail: ${s(args.file_name)}: No such file or directory` };
      const lines = contentText(file, "split").split("\n");
      const n = argOr(args, "lines", 10);
      if (typeof n !== "number" && typeof n !== "boolean") {
        throw new PyException("TypeError", `bad operand type for unary -: '${pyTypeName(n)}'`);
      }
      return { last_lines: pySliceFrom(lines, -Number(n)).join("\n") };
    },

    diff: (args) => {
      // `a in d and b in d` short-circuits: the second name is not even hashed when the first is missing.
      const f1 = fileIn(args.file_name1);
      const f2 = f1 ? fileIn(args.file_name2) : undefined;
      if (!f1 || !f2) return { error: `diff: ${s(args.file_name1)} or ${s(args.file_name2)}: No such file or directory` };
      const lines1 = pySplitlines(contentText(f1, "splitlines"));
      const lines2 = pySplitlines(contentText(f2, "splitlines"));
      const out: string[] = [];
      const n = Math.min(lines1.length, lines2.length);
      for (let i = 0; i < n; i++) if (lines1[i] !== lines2[i]) out.push(`- ${lines1[i]}\n+ ${lines2[i]}`);
      return { diff_lines: out.join("\n") };
    },

    du: (args) => {
      const total = directorySize(cwd);
      return { disk_usage: pyTruthy(argOr(args, "human_readable", false)) ? humanReadable(total) : `${total} bytes` };
    },

    rm: (args) => {
      const name = args.file_name;
      const node = lookup(cwd, name);
      if (!node) return { error: `rm: cannot remove '${s(name)}': No such file or directory` };
      cwd.contents.delete(name as string);
      return { result: `'${s(name)}' removed` };
    },

    rmdir: (args) => {
      const name = args.dir_name;
      const node = lookup(cwd, name);
      if (!node) return { error: `rmdir: cannot remove '${s(name)}': No such file or directory` };
      if (node.kind !== "dir") return { error: `rmdir: cannot remove '${s(name)}': Not a directory` };
      if (node.contents.size > 0) return { error: `rmdir: cannot remove '${s(name)}': Directory not empty` };
      cwd.contents.delete(name as string);
      return { result: `'${s(name)}' removed` };
    },

    mv: (args) => {
      const source = args.source;
      const destination = args.destination;
      const node = lookup(cwd, source);
      if (!node) return { error: `mv: cannot move '${s(source)}': No such file or directory` };
      const key = source as string;
      const dest = lookup(cwd, destination);
      if (dest) {
        if (dest.kind !== "dir") return { error: `mv: cannot move '${key}' to '${s(destination)}': Not a directory` };
        if (dest.contents.has(key)) return { error: `mv: cannot move '${key}' to '${s(destination)}/${key}': File exists` };
        cwd.contents.delete(key);
        if (node.kind === "dir") node.parent = dest;
        dest.contents.set(key, node);
        return { result: `'${key}' moved to '${s(destination)}/${key}'` };
      }
      const newName = s(destination);
      cwd.contents.delete(key);
      node.name = newName;
      cwd.contents.set(newName, node);
      return { result: `'${key}' moved to '${newName}'` };
    },

    cp: (args) => {
      const source = args.source;
      const destination = args.destination;
      const node = lookup(cwd, source);
      if (!node) return { error: `cp: cannot copy '${s(source)}': No such file or directory` };
      const key = source as string;
      const dest = lookup(cwd, destination);
      if (dest) {
        if (dest.kind !== "dir") return { error: `cp: cannot copy '${key}' to '${s(destination)}': Not a directory` };
        if (dest.contents.has(key)) return { error: `cp: cannot copy '${key}' to '${s(destination)}/${key}': File exists` };
        dest.contents.set(key, copyNode(node, key, dest));
        return { result: `'${key}' copied to '${s(destination)}/${key}'` };
      }
      const newName = s(destination);
      cwd.contents.set(newName, copyNode(node, newName, cwd));
      return { result: `'${key}' copied to '${newName}'` };
    },
  };

  return {
    className: "GorillaFileSystem",
    loadScenario(config, isLongContext) {
      longContext = isLongContext;
      root = newDir("/", null);
      const rootConfig = config.root as Record<string, unknown> | undefined;
      if (rootConfig) {
        // Only the first top-level entry becomes the root; BFCL ignores any others.
        const [rootName, rootData] = Object.entries(rootConfig)[0] ?? [];
        if (rootName !== undefined) {
          root = newDir(rootName, null);
          loadDirectory(((rootData as Record<string, unknown>).contents ?? {}) as Record<string, unknown>, root);
        }
      }
      cwd = root;
    },
    publicState() {
      return { long_context: longContext, root: canonicalNode(root) };
    },
    tools,
    snapshot(): FsSnapshot {
      return { longContext, root: copyTree(root, null), cwdPath: pathOf(cwd) };
    },
    restore(snapshot) {
      const snap = snapshot as FsSnapshot;
      longContext = snap.longContext;
      root = copyTree(snap.root, null);
      cwd = root;
      for (const name of snap.cwdPath) {
        const next = cwd.contents.get(name);
        if (!next || next.kind !== "dir") throw new Error(`restore: no directory '${name}' on the saved path`);
        cwd = next;
      }
    },
  };
}

/** A keyword argument, or the Python default when it was not given (an explicit None stays None). */
function argOr(args: Record<string, unknown>, key: string, fallback: unknown): unknown {
  return Object.prototype.hasOwnProperty.call(args, key) ? args[key] : fallback;
}

function copyNode(node: FsNode, name: string, parent: DirNode): FsNode {
  if (node.kind === "file") return { kind: "file", name, content: node.content };
  const out = copyTree(node, parent);
  out.name = name;
  return out;
}

function directorySize(dir: DirNode): number {
  let total = 0;
  for (const node of dir.contents.values()) {
    if (node.kind === "dir") total += directorySize(node);
    else total += typeof node.content === "string" ? utf8Length(node.content) : 0;
  }
  return total;
}

/** Python str.split() with no argument: split on runs of whitespace, no empty strings. */
function pySplitWhitespace(text: string): string[] {
  return text.split(/[\s\u001c-\u001f\u0085]+/u).filter((w) => w !== "");
}

/** Python sorts str by code point; JS compares UTF-16 units, which differs only for astral characters. */
function comparePyStr(a: string, b: string): number {
  if (a === b) return 0;
  const ca = [...a];
  const cb = [...b];
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i].codePointAt(0) as number;
    const y = cb[i].codePointAt(0) as number;
    if (x !== y) return x - y;
  }
  return ca.length - cb.length;
}

/** Python str.splitlines(): no trailing empty line, every Unicode line boundary. */
function pySplitlines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r\n|[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/u);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Python seq[start:] for an int start. */
function pySliceFrom<T>(seq: T[], start: number): T[] {
  if (start === 0) return seq.slice();
  return start < 0 ? seq.slice(Math.max(0, seq.length + start)) : seq.slice(Math.min(start, seq.length));
}
