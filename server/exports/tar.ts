// A folder as a POSIX ustar stream (files only, streamed from disk one at a time): how a BFCL export folder is
// downloaded from the browser in one file, with no archive dependency.
import { createReadStream, readdirSync, statSync } from "node:fs";
import path from "node:path";

function header(name: string, size: number, mtime: Date): Buffer {
  const h = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) => h.write(text.slice(0, length), offset, length, "utf8");
  const octal = (n: number, length: number) => `${n.toString(8).padStart(length - 1, "0")}\0`;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: path too long: ${name}`);
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 12);
  put("        ", 148, 8);
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return h;
}

function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.posix.join(prefix, e.name)) : e.isFile() ? [path.posix.join(prefix, e.name)] : []));
}

/** Every file under `dir`, as `<root>/<relative path>` entries. */
export async function* tarFolder(dir: string, root: string): AsyncGenerator<Uint8Array> {
  for (const rel of filesUnder(dir)) {
    const file = path.join(dir, rel);
    const { size, mtime } = statSync(file);
    yield header(path.posix.join(root, rel), size, mtime);
    for await (const chunk of createReadStream(file)) yield chunk as Buffer;
    if (size % 512) yield Buffer.alloc(512 - (size % 512));
  }
  yield Buffer.alloc(1024);
}
