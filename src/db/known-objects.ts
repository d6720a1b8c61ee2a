import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.js';

/** The kinds of object an admin page names by id and links to. */
export type ObjectKind = 'user' | 'token' | 'service_key' | 'webhook_delivery';

/** The ids to look up, by kind; a kind left out is not asked for. */
export type ObjectIds = Readonly<Partial<Record<ObjectKind, Iterable<string>>>>;

/** The objects of a page that still exist, each with its name: a user's username, a key's name, a token's provider, a delivery's event type. */
export class KnownObjects {
  readonly #names: ReadonlyMap<string, string>;

  constructor(rows: Iterable<{ kind: string; id: string; name: string }>) {
    this.#names = new Map([...rows].map((row) => [`${row.kind}:${row.id}`, row.name]));
  }

  /** The object's name, or undefined when no such object exists (deleted since). */
  nameOf(kind: ObjectKind, id: string): string | undefined {
    return this.#names.get(`${kind}:${id}`);
  }
}

/**
 * Which of these objects still exist, and their names, in one query for the
 * whole page (a UNION ALL of one lookup by primary key per kind), whatever
 * the number of rows: a lookup per row would be a query per row.
 */
export async function findKnownObjects(db: Kysely<DatabaseSchema>, ids: ObjectIds): Promise<KnownObjects> {
  const distinct = (values: Iterable<string> = []) => [...new Set(values)];
  const [users, tokens, serviceKeys, deliveries] = [distinct(ids.user), distinct(ids.token), distinct(ids.service_key), distinct(ids.webhook_delivery)];
  const lookups = [
    users.length > 0 && db.selectFrom('users').select([sql.lit('user').$castTo<string>().as('kind'), 'id', 'username as name']).where('id', 'in', users),
    tokens.length > 0 && db.selectFrom('tokens').select([sql.lit('token').$castTo<string>().as('kind'), 'id', 'provider as name']).where('id', 'in', tokens),
    serviceKeys.length > 0 && db.selectFrom('service_keys').select([sql.lit('service_key').$castTo<string>().as('kind'), 'id', 'name']).where('id', 'in', serviceKeys),
    deliveries.length > 0 &&
      db.selectFrom('webhook_deliveries').select([sql.lit('webhook_delivery').$castTo<string>().as('kind'), 'id', 'event_type as name']).where('id', 'in', deliveries),
  ].filter((lookup) => lookup !== false);
  const [first, ...others] = lookups;
  if (!first) return new KnownObjects([]);
  return new KnownObjects(await others.reduce((union, lookup) => union.unionAll(lookup), first).execute());
}
