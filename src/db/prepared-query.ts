import { type Compilable, CompiledQuery, type Kysely, SelectQueryNode } from 'kysely';
import { sqliteReader } from './database.js';

/** What a prepared query's builder receives: `param(i)` stands for the i-th value of each run. */
export type Param = (index: number) => string;

/** The database or one of its transactions. */
export type QueryExecutor = Pick<Kysely<never>, 'executeQuery'>;

export interface PreparedQuery<Row> {
  /** All rows, for these parameter values (in `param` index order); on `executor` when given (a transaction). */
  all(values: readonly unknown[], executor?: QueryExecutor): Promise<Row[]>;
  /** The first row, or undefined. */
  first(values: readonly unknown[], executor?: QueryExecutor): Promise<Row | undefined>;
  /**
   * The first row like first(), but without a promise when the query can run
   * synchronously (a SELECT on a SQLite file's read connection): on the
   * request path every promise costs, and a read that needs none should not
   * make one.
   */
  firstNow(values: readonly unknown[]): Row | undefined | Promise<Row | undefined>;
}

/**
 * A query that Kysely builds and compiles once and then runs with new values.
 * For the few queries on every request's path (the session, the token):
 * building and compiling a query costs more than SQLite takes to run it, and
 * the same SQL string each time also finds its prepared statement faster.
 *
 * On a SQLite file, a SELECT run outside a transaction reads through the
 * database's read connection, synchronously (`sqliteReader`).
 *
 * `build` gets `param(i)`, a marker to use wherever the i-th value goes; the
 * SQL is compiled for `db`'s dialect, so run it on `db` or on a transaction
 * of it. A marker the compiled query does not carry as a parameter (used in
 * a place Kysely inlines) is refused here, at build time.
 */
export function prepareQuery<DB, Row>(db: Kysely<DB>, build: (param: Param) => Compilable<Row>): PreparedQuery<Row> {
  const markers: string[] = [];
  const param: Param = (index) => (markers[index] ??= `\u0000prepared-parameter-${index}\u0000`);
  const compiled = build(param).compile();
  // For each compiled parameter: the index of the value that replaces it, or -1 for a constant of the query.
  const slots = compiled.parameters.map((value) => (typeof value === 'string' ? markers.indexOf(value) : -1));
  markers.forEach((marker, index) => {
    if (marker !== undefined && !slots.includes(index)) throw new Error(`prepared query: param(${index}) is not a parameter of ${compiled.sql}`);
  });
  const constants = compiled.parameters;
  // A SELECT on a SQLite file runs on its read connection (see sqliteReader), unless it must see a transaction.
  const reader = SelectQueryNode.is(compiled.query) ? sqliteReader(db as never) : undefined;

  const parametersFor = (values: readonly unknown[]) => {
    if (values.length !== markers.length) throw new Error(`prepared query expects ${markers.length} values, got ${values.length}`);
    return slots.map((slot, position) => (slot === -1 ? constants[position] : values[slot]));
  };
  const run = async (values: readonly unknown[], executor: QueryExecutor = db): Promise<Row[]> => {
    const parameters = parametersFor(values);
    if (reader && executor === db) return reader.all(compiled.sql, parameters) as Row[];
    const result = await executor.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters));
    return result.rows;
  };
  return {
    all: (values, executor) => run(values, executor),
    first: async (values, executor) => (await run(values, executor))[0],
    firstNow: (values) => (reader ? (reader.all(compiled.sql, parametersFor(values)) as Row[])[0] : run(values).then((rows) => rows[0])),
  };
}

/**
 * For repository functions that take the database as an argument: the query
 * is prepared on first use with each database (or transaction) and kept
 * with it.
 */
export function preparedPerDatabase<DB, Row>(build: (db: Kysely<DB>, param: Param) => Compilable<Row>): (db: Kysely<DB>) => PreparedQuery<Row> {
  const prepared = new WeakMap<Kysely<DB>, PreparedQuery<Row>>();
  return (db) => {
    let query = prepared.get(db);
    if (query === undefined) {
      query = prepareQuery(db, (param) => build(db, param));
      prepared.set(db, query);
    }
    return query;
  };
}
