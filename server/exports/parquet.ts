// The one door to the Parquet writer (hyparquet-writer): a file written a row group at a time, so exporting a
// large run keeps memory flat. Nothing else imports hyparquet-writer.
import { ParquetWriter, type SchemaElement } from "hyparquet-writer";
import { fileWriter } from "hyparquet-writer/src/node.js";

export type ParquetField =
  | { name: string; type: "string" | "int64" | "double" | "boolean"; isOptional?: boolean }
  | { name: string; type: "struct"; fields: ParquetField[] }
  | { name: string; type: "list"; element: ParquetField };

function schemaOf(field: ParquetField): SchemaElement[] {
  const repetition_type = "isOptional" in field && field.isOptional ? "OPTIONAL" : "REQUIRED";
  switch (field.type) {
    case "string":
      return [{ name: field.name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type }];
    case "int64":
      return [{ name: field.name, type: "INT64", repetition_type }];
    case "double":
      return [{ name: field.name, type: "DOUBLE", repetition_type }];
    case "boolean":
      return [{ name: field.name, type: "BOOLEAN", repetition_type }];
    case "struct":
      return [{ name: field.name, repetition_type: "REQUIRED", num_children: field.fields.length }, ...field.fields.flatMap(schemaOf)];
    case "list":
      // The standard three-level list (<name> LIST / repeated list / element), as Arrow and pandas write it.
      return [
        { name: field.name, repetition_type: "REQUIRED", converted_type: "LIST", num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        ...schemaOf({ ...field.element, name: "element" }),
      ];
  }
}

function toParquetValue(field: ParquetField, value: unknown): unknown {
  if (field.type === "int64") return typeof value === "number" ? BigInt(Math.trunc(value)) : value;
  if (field.type === "struct") {
    const obj = (value ?? {}) as Record<string, unknown>;
    return Object.fromEntries(field.fields.map((f) => [f.name, toParquetValue(f, obj[f.name])]));
  }
  if (field.type === "list") return ((value ?? []) as unknown[]).map((v) => toParquetValue(field.element, v));
  return value ?? null;
}

export interface ParquetFileWriter {
  /** buffers rows; a full row group is written to disk */
  append(rows: readonly Record<string, unknown>[]): Promise<void>;
  close(): Promise<number>;
}

export function openParquetFile({ file, fields, rowGroupSize = 1000, metadata = {} }: { file: string; fields: ParquetField[]; rowGroupSize?: number; metadata?: Record<string, string> }): ParquetFileWriter {
  const writer = new ParquetWriter({
    writer: fileWriter(file),
    schema: [{ name: "root", num_children: fields.length }, ...fields.flatMap(schemaOf)],
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    createdBy: "rods",
  });
  let pending: Record<string, unknown>[] = [];
  let total = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    total += rows.length;
    await writer.write({ columnData: fields.map((f) => ({ name: f.name, data: rows.map((r) => toParquetValue(f, r[f.name])) })), rowGroupSize });
  };
  return {
    async append(rows) {
      pending.push(...rows);
      if (pending.length >= rowGroupSize) await flush();
    },
    async close() {
      await flush();
      await writer.finish();
      return total;
    },
  };
}
