// A comparable description of a database's public schema, from information_schema and pg_catalog.
// Used to check that the migrations build exactly what schema.prisma describes.
import pg from "pg";

export interface SchemaDescription {
  columns: string[];
  indexes: string[];
  constraints: string[];
  enums: string[];
}

export async function describeSchema(url: string): Promise<SchemaDescription> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query<{ line: string }>(sql)).rows.map((r) => r.line).sort();
    return {
      columns: await q(`
        SELECT table_name || '.' || column_name || ' ' || udt_name || ' ' ||
               CASE WHEN is_nullable = 'YES' THEN 'null' ELSE 'not null' END ||
               COALESCE(' default ' || column_default, '') AS line
        FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`),
      indexes: await q(`
        SELECT tablename || ': ' || indexdef AS line FROM pg_indexes
        WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`),
      constraints: await q(`
        SELECT rel.relname || '.' || con.conname || ': ' || pg_get_constraintdef(con.oid) AS line
        FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
        JOIN pg_namespace ns ON ns.oid = rel.relnamespace
        WHERE ns.nspname = 'public' AND rel.relname <> '_prisma_migrations'`),
      enums: await q(`
        SELECT t.typname || ' = ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS line
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace ns ON ns.oid = t.typnamespace
        WHERE ns.nspname = 'public' GROUP BY t.typname`),
    };
  } finally {
    await client.end();
  }
}

/** Lines present on one side only, prefixed "- " (only in a) or "+ " (only in b). */
export function diffDescriptions(a: SchemaDescription, b: SchemaDescription): string[] {
  const out: string[] = [];
  for (const key of ["columns", "indexes", "constraints", "enums"] as const) {
    const left = new Set(a[key]);
    const right = new Set(b[key]);
    for (const line of left) if (!right.has(line)) out.push(`- ${key}: ${line}`);
    for (const line of right) if (!left.has(line)) out.push(`+ ${key}: ${line}`);
  }
  return out;
}
