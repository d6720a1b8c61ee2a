import type { AnyAdminResource, ListQuery } from './resource.js';

export const PAGE_SIZE = 50;
const MAX_PAGE = 100_000;
const MAX_SEARCH_LENGTH = 200;

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A list page's query as read, and whether the URL said it as given (else the page is served at its canonical URL). */
export interface ListQueryReading {
  query: ListQuery;
  /** False when the URL gave `page`, `sort` or a declared filter a value the list does not take. */
  wellFormed: boolean;
}

/**
 * Reads a list page's query string. A malformed value of a parameter the list
 * reads (a page that is not a whole number from 1, a sort or filter value the
 * resource did not declare, a parameter given twice) falls back to its default
 * and marks the reading not well-formed, so that the route redirects to the
 * canonical URL instead of showing something else than the URL says. An empty
 * value is no value (a GET form sends its empty fields); parameters the list
 * does not read are ignored.
 */
export function parseListQuery(resource: AnyAdminResource, raw: Record<string, unknown>, allowedFilterValues: Record<string, Set<string>>): ListQueryReading {
  let wellFormed = true;
  /** The parameter's value when given once and not empty; a repeated one is malformed. */
  const given = (name: string): string | undefined => {
    const value = raw[name];
    if (value !== undefined && typeof value !== 'string') wellFormed = false;
    return single(value) || undefined;
  };
  const search = (given('q') ?? '').trim().slice(0, MAX_SEARCH_LENGTH);
  const filters: Record<string, string> = {};
  for (const filter of resource.filters) {
    const value = given(filter.key);
    if (value === undefined) continue;
    if (allowedFilterValues[filter.key]?.has(value)) filters[filter.key] = value;
    else wellFormed = false;
  }
  const sortParam = given('sort') ?? '';
  const descending = sortParam.startsWith('-');
  const sortKey = descending ? sortParam.slice(1) : sortParam;
  const sortValid = resource.sortKeys.includes(sortKey);
  if (sortParam !== '' && !sortValid) wellFormed = false;
  const pageParam = given('page');
  // Digits only: Number() would also take '0x10', '1e3' and ' 2'.
  const pageValid = pageParam === undefined || /^[1-9][0-9]*$/.test(pageParam);
  if (!pageValid) wellFormed = false;
  // A number too large to be a page is past the end, like any other: the route sends it to the last page.
  const page = pageParam !== undefined && pageValid ? Math.min(Number(pageParam), MAX_PAGE) : 1;
  return {
    query: {
      search,
      filters,
      sort: sortValid ? sortKey : resource.defaultSort.key,
      direction: sortValid ? (descending ? 'desc' : 'asc') : resource.defaultSort.direction,
      page,
      pageSize: PAGE_SIZE,
    },
    wellFormed,
  };
}

/** The query string for `query` with some parts changed, for sort, filter and page links. */
export function listHref(resource: AnyAdminResource, query: ListQuery, change: Partial<ListQuery>): string {
  const next = { ...query, ...change, filters: { ...query.filters, ...change.filters } };
  const params = new URLSearchParams();
  if (next.search) params.set('q', next.search);
  for (const [key, value] of Object.entries(next.filters)) if (value !== '') params.set(key, value);
  const isDefaultSort = next.sort === resource.defaultSort.key && next.direction === resource.defaultSort.direction;
  if (!isDefaultSort) params.set('sort', `${next.direction === 'desc' ? '-' : ''}${next.sort}`);
  if (next.page > 1) params.set('page', String(next.page));
  const text = params.toString();
  return `/admin/${resource.name}${text ? `?${text}` : ''}`;
}
