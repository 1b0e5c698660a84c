import "server-only";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";

const dialect = new PgDialect();

/** A drizzle query builder (insert, select, …), a drizzle `sql` fragment, or a postgres.js query built on the given client. */
export type Statement = SQL | { toSQL(): { sql: string; params: unknown[] } } | ((client: postgres.Sql) => { execute(): Promise<readonly object[]> });

/**
 * Sends statements on a drizzle transaction's connection back to back, without waiting for each answer:
 * postgres.js pipelines them and Postgres runs them in this order, so they cost one round trip instead
 * of one each. (Awaiting drizzle builders one by one would not do: they reach the driver after differing
 * numbers of microtasks, so their order on the wire would not be the order of the calls.) Returns every
 * statement's rows or error, in order; after an error the later ones fail too (the transaction aborted).
 */
export async function pipeline(tx: unknown, statements: Statement[]): Promise<PromiseSettledResult<readonly object[]>[]> {
  // drizzle's postgres-js transaction keeps the reserved postgres.js connection as `session.client`.
  const client = (tx as { session: { client: postgres.Sql } }).session.client;
  const sent = statements.map((statement) => {
    if (typeof statement === "function") return statement(client).execute();
    const query = "toSQL" in statement ? statement.toSQL() : dialect.sqlToQuery(statement);
    return client.unsafe(query.sql, query.params as postgres.ParameterOrJSON<never>[], { prepare: true }).execute();
  });
  return Promise.allSettled(sent);
}

/** The rows of each statement; the first failure (in statement order, the cause of any later ones) is thrown. */
export function rowsOrThrow(results: PromiseSettledResult<readonly object[]>[]): (readonly object[])[] {
  return results.map((result) => {
    if (result.status === "rejected") throw result.reason;
    return result.value;
  });
}
