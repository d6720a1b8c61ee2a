import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Page } from './admin-lists.js';
import { type AuditEvent, rowToAuditEvent } from './audit.repository.js';
import type { DatabaseSchema } from './schema.js';

/*
 * The admin site's lists of the audit log, which a busy service API grows by
 * millions of entries (one for every token it hands out). Each list is made of
 * parts that an index gives newest first, without sorting their entries: one
 * event's entries through (event, id), those about an object through
 * (target_id, id), those by a user through (actor_user_id, id). Ids are
 * time-ordered, so id order is the log's order. A page reads at most the
 * page's end from each part and merges them.
 */

export interface AuditListOptions {
  /** An event name prefix (e.g. "token."), or an exact user, target or actor id. */
  search?: string;
  /** Entries by this actor or about one of these objects (a user's page: the user and their connections, `<user id>:<provider>`). */
  involving?: { actorUserId: string; targetIds: readonly string[] };
  event?: string;
  targetType?: string;
  targetId?: string;
  offset: number;
  limit: number;
  /** Count the matching entries, up to AUDIT_COUNT_BEYOND past the page's start (default); false: `total` is the rows' length. */
  count?: boolean;
}

/**
 * The audit list counts at most this many matching entries past the start of
 * the page shown, and then says "more than": a count of every entry took 45 ms
 * at 3 million entries on SQLite, 182 ms filtered by event, on every view.
 * (Django's admin offers the same trade, `show_full_result_count = False`.)
 */
export const AUDIT_COUNT_BEYOND = 10_000;

type AuditQuery = SelectQueryBuilder<DatabaseSchema, 'audit_log', object>;

export async function listAuditForAdmin(db: Kysely<DatabaseSchema>, options: AuditListOptions): Promise<Page<AuditEvent>> {
  const { rows, count, cap } = await auditListQueries(db, options);
  if (options.count === false) {
    const shown = await rows.execute();
    return { rows: shown.map(rowToAuditEvent), total: shown.length };
  }
  const [shown, counted] = await Promise.all([rows.execute(), count.executeTakeFirstOrThrow()]);
  const total = Number(counted.n);
  return { rows: shown.map(rowToAuditEvent), ...(total > cap ? { total: cap, totalIsLowerBound: true } : { total }) };
}

/**
 * The queries behind listAuditForAdmin, for their plans to be checked: the
 * page's rows, and the count of distinct matching entries, at most `cap + 1`
 * of each part (a part past `cap` makes the union pass it too, and parts
 * within it are whole).
 */
export async function auditListQueries(db: Kysely<DatabaseSchema>, options: AuditListOptions) {
  const parts = await auditListParts(db, options);
  const end = options.offset + options.limit;
  const cap = options.offset + AUDIT_COUNT_BEYOND;
  const rows =
    parts.length === 1
      ? parts[0]!.selectAll().orderBy('id', 'desc').limit(options.limit).offset(options.offset)
      : db
          .selectFrom(
            parts
              .map((part, i) => db.selectFrom(part.selectAll().orderBy('id', 'desc').limit(end).as(`part${i}`)).selectAll())
              .reduce((all, next) => all.union(next))
              .as('matching'),
          )
          .selectAll()
          .orderBy('id', 'desc')
          .limit(options.limit)
          .offset(options.offset);
  const ids = parts.map((part, i) => db.selectFrom(part.select('id').limit(cap + 1).as(`part${i}`)).select('id'));
  const count = db.selectFrom(ids.reduce((all, next) => all.union(next)).as('matching')).select((eb) => eb.fn.countAll<number | string>().as('n'));
  return { rows, count, cap };
}

/**
 * The parts whose union is the list. `involving` is a part for the actor and
 * one for each object. A search matches an event name prefix,
 * an object's id or an actor's id: one part for each event name that begins
 * with it (an OR of the three would sort every entry of a common
 * event, or read the whole log for a rare id), one for the object, one for
 * the actor.
 */
async function auditListParts(db: Kysely<DatabaseSchema>, options: AuditListOptions): Promise<AuditQuery[]> {
  let filtered: AuditQuery = db.selectFrom('audit_log');
  if (options.event !== undefined) filtered = filtered.where('event', '=', options.event);
  if (options.targetType !== undefined) filtered = filtered.where('target_type', '=', options.targetType);
  if (options.targetId !== undefined) filtered = filtered.where('target_id', '=', options.targetId);
  const parts: AuditQuery[] = [];
  if (options.involving !== undefined) {
    const { actorUserId, targetIds } = options.involving;
    parts.push(filtered.where('actor_user_id', '=', actorUserId), ...targetIds.map((id) => filtered.where('target_id', '=', id)));
  }
  if (options.search) {
    // The names that begin with the search are picked here, character for character: a range on the column
    // (event >= 'token.' and event < 'token.\u{10FFFF}') is read in the column's collation, and in PostgreSQL's
    // usual ones (en_US.UTF-8 and the like) punctuation counts only for ties, so that tokens.listed and tokenx
    // would fall in it too. Each name is then an equality, which the (event, id) index serves in any collation.
    const prefix = options.search.toLowerCase();
    const names = options.event !== undefined ? [options.event] : await auditEventNames(db);
    const byEvent = names.filter((name) => name.startsWith(prefix)).map((name) => filtered.where('event', '=', name));
    parts.push(...byEvent, filtered.where('target_id', '=', options.search), filtered.where('actor_user_id', '=', options.search));
  }
  return parts.length > 0 ? parts : [filtered];
}

export async function findAuditEventById(db: Kysely<DatabaseSchema>, id: string): Promise<AuditEvent | undefined> {
  const row = await db.selectFrom('audit_log').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToAuditEvent(row);
}

/**
 * The event names that occur in the log, in order (the column's collation's):
 * for the audit filter, and the search's parts. A DISTINCT would read every
 * entry of the event index (a fifth of a second at 3 million entries, on
 * every audit page); this steps from one name to the next through the index
 * instead, one lookup per name.
 */
export async function auditEventNames(db: Kysely<DatabaseSchema>): Promise<string[]> {
  const { rows } = await auditEventNamesQuery().execute(db);
  return rows.map((row) => row.event);
}

/** The query behind auditEventNames (a loose index scan), for its plan to be checked. */
export function auditEventNamesQuery() {
  return sql<{ event: string }>`with recursive names(event) as (
    select min(event) from audit_log
    union all
    select (select min(event) from audit_log where event > names.event) from names where names.event is not null
  )
  select event from names where event is not null order by event`;
}
