import type { FastifyRequest } from 'fastify';
import { TokenkeeperError } from '../../client/errors.js';
import type { User } from '../../db/user.repository.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import type { SafeHtml } from '../views/html.js';

/** What a list page asks for, parsed and checked from the query string (see list-query.ts). */
export interface ListQuery {
  search: string;
  /** Only keys and values the resource declares. */
  filters: Record<string, string>;
  sort: string;
  direction: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export interface AdminContext {
  deps: Tokenkeeper;
  request: FastifyRequest;
  /** The signed-in staff user. */
  admin: User;
  now: number;
}

/** The context of an admin request, whose staff user the admin scope's guard has checked. */
export function adminContextOf(request: FastifyRequest, deps: Tokenkeeper): AdminContext {
  const admin = request.adminUser;
  if (!admin) throw new TokenkeeperError('unauthorized', 'Sign in as staff first.');
  return { deps, request, admin: admin as User, now: deps.now() };
}

export interface Column<Row> {
  label: string;
  render: (row: Row, context: AdminContext) => SafeHtml | string | number | null;
  /** Set when the list can be sorted by this column. */
  sortKey?: string;
}

export interface Filter {
  key: string;
  label: string;
  options: ReadonlyArray<{ value: string; label: string }> | ((context: AdminContext) => Promise<ReadonlyArray<{ value: string; label: string }>>);
}

export interface Field<Row> {
  label: string;
  render: (row: Row, context: AdminContext) => SafeHtml | string | number | null;
}

interface ActionBase<Row> {
  name: string;
  label: string;
  /** Whether the button is shown for this row. */
  appliesTo?: (row: Row, context: AdminContext) => boolean;
  /** Why the action does not apply to this row, when there is more to say than that it does not (the 409's message). */
  refusal?: (row: Row, context: AdminContext) => string | undefined;
  /** True when only a superuser may do it to this row (the button is hidden from other staff, and the request refused with 403). */
  superuserOnly?: (row: Row, context: AdminContext) => boolean;
  /** Offered on the list page too, for the rows ticked there (bulk-action.routes.ts). */
  bulk?: boolean;
  /** Does the work and returns a sentence for the flash message. The audit entry is written by the caller. */
  run: (row: Row, context: AdminContext) => Promise<string>;
  /**
   * The flash message's sentence when `run` fails with a TokenkeeperError,
   * for an admin rather than the person the message was written for;
   * undefined: the error's own message.
   */
  failure?: (error: TokenkeeperError, row: Row) => string | undefined;
}

/**
 * An action of a resource's detail page. A dangerous one is shown in red and
 * runs only once confirmed, as Django admin's delete does, without
 * JavaScript: posted without the CONFIRMED_FIELD, it redirects (303) to a
 * page at the action's address that says what will happen and posts the
 * action again with the field. The page is a GET's answer, so that the
 * browser's Back returns to it without offering to send a form again.
 */
export type Action<Row> = ActionBase<Row> &
  (
    | { dangerous?: false }
    | {
        dangerous: true;
        /** What the action will do, in one sentence naming the object, for the confirmation page. */
        consequence: (row: Row, context: AdminContext) => string;
      }
  );

/** The form field (value "yes") of a dangerous action's confirmed post. */
export const CONFIRMED_FIELD = 'confirmed';

/** A form field's values: one, several (a repeated field, ticked boxes) or none; whatever is not a string is left out. */
export function formValues(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

/** Whether a post's body carries the confirmation of a dangerous action. */
export function isConfirmed(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>)[CONFIRMED_FIELD] === 'yes';
}

/**
 * A resource of the admin site, in the spirit of Django's ModelAdmin: the
 * pages are rendered from this declaration. Queries live in src/db; the
 * resource says what to show and what can be done.
 */
export interface AdminResource<Row> {
  /** URL segment: /admin/<name>. */
  name: string;
  label: string;
  singular: string;
  /** Placeholder of the search box, saying what it matches. */
  searchHelp: string;
  /** What the list says when there is nothing to list, before any search or filter ("No service keys yet."). */
  noneYet: string;
  columns: ReadonlyArray<Column<Row>>;
  filters: ReadonlyArray<Filter>;
  sortKeys: readonly string[];
  defaultSort: { key: string; direction: 'asc' | 'desc' };
  /** The page of rows and how many match; `totalIsLowerBound` when counting stopped there (the list says "more than"). */
  list: (query: ListQuery, context: AdminContext) => Promise<{ rows: Row[]; total: number; totalIsLowerBound?: boolean }>;
  find: (id: string, context: AdminContext) => Promise<Row | undefined>;
  idOf: (row: Row) => string;
  titleOf: (row: Row) => string;
  detail: ReadonlyArray<Field<Row>>;
  /** Extra sections under the detail (related objects). */
  related?: (row: Row, context: AdminContext) => Promise<SafeHtml>;
  actions: ReadonlyArray<Action<Row>>;
  /** The audit log's target_type for this resource's objects. */
  auditTargetType: string;
  /** A short line under the list's title, about the whole list ("Entries are kept 90 days"). */
  note?: (context: AdminContext) => string;
  /** A link above the list to a page that creates one (its own routes), shown to superusers only when superuserOnly. */
  create?: { href: string; label: string; superuserOnly?: boolean };
}

/** Erases the row type so resources of different rows share one registry. */
export type AnyAdminResource = AdminResource<any>;

/** Whether the signed-in admin may run `action` on `row`: staff may run an action unless it is superuser-only for that row. */
export function mayRun<Row>(action: Action<Row>, row: Row, context: AdminContext): boolean {
  return context.admin.isSuperuser || !(action.superuserOnly?.(row, context) ?? false);
}
