import type { SqlClient } from '@mirror/event-store';
import { TABLE_ORDER, TABLES } from '../changes';

/**
 * The schema a rebuild writes its new read models into, created afresh by each run. Nothing
 * but the rebuild ever names it, so the API and the workers go on with the live tables.
 */
export const REBUILD_SCHEMA = 'mirror_rebuild';

/** Where the switch moves the previous read models, to be dropped once it has committed. */
export const RETIRED_SCHEMA = 'mirror_retired';

/** The read-model tables, in the order every writer locks them (see `TABLE_ORDER`). */
export const READ_MODEL_TABLES: readonly string[] = TABLE_ORDER.map((name) => TABLES[name].table);

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The schema that holds the live read models (`public` unless the connection says otherwise). */
export async function liveSchema(db: SqlClient): Promise<string> {
  const [row] = await db.$queryRawUnsafe<{ schema: string }[]>('SELECT current_schema() AS schema');
  if (row === undefined) throw new Error('no current schema');
  return row.schema;
}

/**
 * Drops what an earlier run left behind (it was killed, or failed before cleaning up): the
 * half-built schema, or the retired tables of a run killed right after its switch. Neither is
 * read by anyone, so dropping them never disturbs the live read models.
 */
export async function dropLeftovers(db: SqlClient): Promise<void> {
  await db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${REBUILD_SCHEMA} CASCADE`);
  await db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${RETIRED_SCHEMA} CASCADE`);
}

interface IndexDefinition {
  table: string;
  name: string;
  /** The constraint an index backs (primary key, unique), or null for a plain index. */
  constraintDef: string | null;
  indexDef: string;
}

/**
 * Every index of the live read models. Read with an empty search path, so that definitions
 * name their table with its schema, which is what {@link createIndexes} swaps.
 */
async function liveIndexes(db: SqlClient, schema: string): Promise<IndexDefinition[]> {
  return db.$queryRawUnsafe<IndexDefinition[]>(
    `SELECT t.relname AS "table", i.relname AS name,
            pg_get_constraintdef(c.oid) AS "constraintDef",
            pg_get_indexdef(i.oid) AS "indexDef"
     FROM pg_index x
     JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_class i ON i.oid = x.indexrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.conrelid = t.oid AND c.contype IN ('p', 'u', 'x')
     WHERE n.nspname = $1 AND t.relname = ANY($2::text[])
     ORDER BY t.relname, i.relname`,
    schema,
    READ_MODEL_TABLES,
  );
}

/**
 * Creates {@link REBUILD_SCHEMA} with an empty copy of every live read-model table: same
 * columns, defaults and check constraints, and the same primary keys under the same names
 * (the upserts need them). The other indexes come later ({@link createSecondaryIndexes}): built
 * once over the loaded rows, they cost less than kept up to date row by row. After the switch
 * the new tables carry the live ones' names down to their indexes, so migrations written
 * against those names keep working.
 */
export async function createShadowTables(db: SqlClient, schema: string): Promise<void> {
  await db.$executeRawUnsafe(`CREATE SCHEMA ${REBUILD_SCHEMA}`);
  for (const table of READ_MODEL_TABLES) {
    await db.$executeRawUnsafe(
      `CREATE TABLE ${REBUILD_SCHEMA}.${ident(table)} (LIKE ${ident(schema)}.${ident(table)}
         INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING IDENTITY
         INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS)`,
    );
  }
  for (const index of await liveIndexes(db, schema)) {
    if (index.constraintDef === null) continue;
    await db.$executeRawUnsafe(
      `ALTER TABLE ${REBUILD_SCHEMA}.${ident(index.table)} ADD CONSTRAINT ${ident(index.name)} ${index.constraintDef}`,
    );
  }
}

/** Builds the plain (not constraint) indexes of the live tables on their copies. */
export async function createSecondaryIndexes(db: SqlClient, schema: string): Promise<void> {
  for (const index of await liveIndexes(db, schema)) {
    if (index.constraintDef !== null) continue;
    // pg_get_indexdef names the table schema-qualified unless its schema is on the search
    // path; accept both spellings and point the definition at the copy.
    const qualified = ` ON ${ident(schema)}.${ident(index.table)} `;
    const bare = [` ON ${schema}.${index.table} `, ` ON ${ident(index.table)} `, ` ON ${index.table} `];
    const on = [qualified, ...bare].find((candidate) => index.indexDef.includes(candidate));
    if (on === undefined)
      throw new Error(`cannot read the definition of index ${index.name}: ${index.indexDef}`);
    await db.$executeRawUnsafe(index.indexDef.replace(on, ` ON ${REBUILD_SCHEMA}.${ident(index.table)} `));
  }
  await db.$executeRawUnsafe(
    `ANALYZE ${READ_MODEL_TABLES.map((t) => `${REBUILD_SCHEMA}.${ident(t)}`).join(', ')}`,
  );
}

/**
 * The lock statement of the switch: every live read model, in the order every writer takes
 * them, so that it waits for writers and readers in flight and holds off new ones.
 */
export function lockLiveTablesSql(schema: string): string {
  return `LOCK TABLE ${READ_MODEL_TABLES.map((t) => `${ident(schema)}.${ident(t)}`).join(', ')} IN ACCESS EXCLUSIVE MODE`;
}

/**
 * Puts the new read models in the place of the live ones: moves each live table (with its
 * indexes) to {@link RETIRED_SCHEMA} and its copy into the live schema. Catalog updates only,
 * whatever the tables hold; run in the switch transaction, under {@link lockLiveTablesSql}.
 */
export async function swapInShadowTables(db: SqlClient, schema: string): Promise<void> {
  await db.$executeRawUnsafe(`CREATE SCHEMA ${RETIRED_SCHEMA}`);
  for (const table of READ_MODEL_TABLES) {
    await db.$executeRawUnsafe(`ALTER TABLE ${ident(schema)}.${ident(table)} SET SCHEMA ${RETIRED_SCHEMA}`);
    await db.$executeRawUnsafe(`ALTER TABLE ${REBUILD_SCHEMA}.${ident(table)} SET SCHEMA ${ident(schema)}`);
  }
}
