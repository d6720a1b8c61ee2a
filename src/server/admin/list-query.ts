import type { AnyAdminResource, ListQuery } from './resource.js';

export const PAGE_SIZE = 50;
const MAX_PAGE = 100_000;
const MAX_SEARCH_LENGTH = 200;

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads a list page's query string. Anything a resource did not declare, or
 * that is malformed, falls back to the default: bad input gives a normal
 * page, never an error.
 */
export function parseListQuery(resource: AnyAdminResource, raw: Record<string, unknown>, allowedFilterValues: Record<string, Set<string>>): ListQuery {
  const search = (single(raw.q) ?? '').trim().slice(0, MAX_SEARCH_LENGTH);
  const filters: Record<string, string> = {};
  for (const filter of resource.filters) {
    const value = single(raw[filter.key]);
    if (value !== undefined && allowedFilterValues[filter.key]?.has(value)) filters[filter.key] = value;
  }
  const sortParam = single(raw.sort) ?? '';
  const descending = sortParam.startsWith('-');
  const sortKey = descending ? sortParam.slice(1) : sortParam;
  const sortValid = resource.sortKeys.includes(sortKey);
  const pageNumber = Number(single(raw.page));
  return {
    search,
    filters,
    sort: sortValid ? sortKey : resource.defaultSort.key,
    direction: sortValid ? (descending ? 'desc' : 'asc') : resource.defaultSort.direction,
    page: Number.isInteger(pageNumber) && pageNumber >= 1 && pageNumber <= MAX_PAGE ? pageNumber : 1,
    pageSize: PAGE_SIZE,
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
