import { html, type SafeHtml } from '../../views/html.js';
import { listHref } from '../list-query.js';
import type { AdminContext, AnyAdminResource, Filter, ListQuery } from '../resource.js';

export interface ListPageData {
  resource: AnyAdminResource;
  query: ListQuery;
  rows: unknown[];
  total: number;
  /** More than `total` rows match: counting stopped there. */
  totalIsLowerBound?: boolean;
  filterOptions: Record<string, ReadonlyArray<{ value: string; label: string }>>;
  context: AdminContext;
}

function sortLink(data: ListPageData, label: string, sortKey: string | undefined): SafeHtml {
  if (!sortKey) return html`${label}`;
  const { resource, query } = data;
  const current = query.sort === sortKey;
  const direction = current && query.direction === 'asc' ? 'desc' : 'asc';
  // The arrow is for the eye; aria-sort on the header cell (sortHeader) tells assistive technology.
  const arrow = current ? html`<span aria-hidden="true">${query.direction === 'asc' ? ' ▲' : ' ▼'}</span>` : null;
  return html`<a href="${listHref(resource, query, { sort: sortKey, direction, page: 1 })}">${label}${arrow}</a>`;
}

/** A column's header cell; the one the list is sorted by says how, with aria-sort (WAI-ARIA 1.2, WCAG 1.3.1). */
function sortHeader(data: ListPageData, label: string, sortKey: string | undefined): SafeHtml {
  const sorted = sortKey !== undefined && data.query.sort === sortKey;
  const ariaSort = sorted ? html` aria-sort="${data.query.direction === 'asc' ? 'ascending' : 'descending'}"` : null;
  return html`<th${ariaSort}>${sortLink(data, label, sortKey)}</th>`;
}

/** Past this many values a filter is a drop-down list (the audit log's event names), else a row of links. */
const MAX_FILTER_LINKS = 8;

type FilterOption = { value: string; label: string };

function filterLinks(data: ListPageData, filter: Filter, options: readonly FilterOption[]): SafeHtml {
  const { resource, query } = data;
  const current = query.filters[filter.key] ?? '';
  const link = ({ value, label }: FilterOption) =>
    html`<a href="${listHref(resource, query, { filters: { [filter.key]: value }, page: 1 })}"${current === value ? html` aria-current="true"` : null}>${label}</a>`;
  // Spaces between the links: they wrap, and read as separate words.
  return html`<div class="filter"><span class="muted">${filter.label}:</span> ${[{ value: '', label: 'all' }, ...options].map((option) => html`${link(option)} `)}</div>`;
}

/** A GET form giving the same query string as the links would: the list's other parameters ride along as hidden fields. */
function filterSelect(data: ListPageData, filter: Filter, options: readonly FilterOption[]): SafeHtml {
  const { resource, query } = data;
  const current = query.filters[filter.key] ?? '';
  const others = new URLSearchParams(listHref(resource, query, { filters: { [filter.key]: '' }, page: 1 }).split('?')[1] ?? '');
  return html`<form class="filter" method="get" action="/admin/${resource.name}">
${[...others].map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<label><span class="muted">${filter.label}:</span> <select name="${filter.key}">
<option value=""${current === '' ? html` selected` : null}>all</option>
${options.map((option) => html`<option value="${option.value}"${current === option.value ? html` selected` : null}>${option.label}</option>`)}
</select></label> <button type="submit" class="secondary">Show</button>
</form>`;
}

function filterBar(data: ListPageData): SafeHtml {
  return html`<div class="filters">${data.resource.filters.map((filter) => {
    const options = data.filterOptions[filter.key] ?? [];
    return options.length > MAX_FILTER_LINKS ? filterSelect(data, filter, options) : filterLinks(data, filter, options);
  })}</div>`;
}

/** How many pages the list has: one at least, empty or not. */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** The rows; with `selectable`, each with a checkbox naming it, for the bulk form around the table. */
function table(data: ListPageData, selectable: boolean): SafeHtml {
  const { resource, rows, context } = data;
  return html`<div class="table-wrap"><table class="list">
<thead><tr>${selectable ? html`<th><span class="visually-hidden">Select</span></th>` : null}${resource.columns.map((column) => sortHeader(data, column.label, column.sortKey))}</tr></thead>
<tbody>
${rows.map((row) => {
  const id = resource.idOf(row);
  const select = selectable ? html`<td><input type="checkbox" name="ids" value="${id}" aria-label="Select ${resource.titleOf(row)}"></td>` : null;
  return html`<tr>${select}${resource.columns.map((column, index) => {
    const cell = column.render(row, context);
    return index === 0 ? html`<td><a href="/admin/${resource.name}/${encodeURIComponent(id)}">${cell}</a></td>` : html`<td>${cell}</td>`;
  })}</tr>`;
})}
</tbody>
</table></div>`;
}

/** Django admin's actions: tick rows, choose an action, run it on them (bulk-action.routes.ts); no script needed. */
function bulkForm(data: ListPageData, actions: AnyAdminResource['actions']): SafeHtml {
  const { resource, query, context } = data;
  return html`<form class="bulk" method="post" action="/admin/${resource.name}/actions">
<input type="hidden" name="_csrf" value="${context.request.session?.csrfToken ?? ''}">
<input type="hidden" name="back" value="${listHref(resource, query, {})}">
<div class="bulk-actions"><label>Action on the ticked rows <select name="action" required>
<option value="">—</option>
${actions.map((action) => html`<option value="${action.name}">${action.label}</option>`)}
</select></label> <button type="submit" class="secondary">Run</button></div>
${table(data, true)}
</form>`;
}

/** A resource's list: search, filters, sortable columns, pagination — all plain links and a GET form. `query.page` is at most the page count. */
export function listPage(data: ListPageData): SafeHtml {
  const { resource, query, rows, total, context } = data;
  const more = data.totalIsLowerBound === true;
  const pages = pageCount(total, query.pageSize);
  const first = total === 0 ? 0 : (query.page - 1) * query.pageSize + 1;
  const last = Math.min(total, query.page * query.pageSize);
  const hidden = Object.entries(query.filters).map(([key, value]) => html`<input type="hidden" name="${key}" value="${value}">`);
  const create = resource.create && (!resource.create.superuserOnly || context.admin.isSuperuser) ? resource.create : null;
  const bulk = resource.actions.filter((action) => action.bulk);
  return html`<h1>${resource.label}</h1>
${resource.note ? html`<p class="muted note">${resource.note(context)}</p>` : null}
${create ? html`<p><a class="button" href="${create.href}">${create.label}</a></p>` : null}
<form class="search" method="get" action="/admin/${resource.name}">
${hidden}
<input type="search" name="q" value="${query.search}" placeholder="${resource.searchHelp}" aria-label="Search ${resource.label}">
<button type="submit">Search</button>
${query.search ? html`<a href="${listHref(resource, query, { search: '', page: 1 })}">clear</a>` : null}
</form>
${filterBar(data)}
<p class="muted count">${total > 0 ? `${first}–${last} of ${more ? 'more than ' : ''}${total}` : query.search || Object.keys(query.filters).length > 0 ? 'Nothing matches.' : resource.noneYet}</p>
${rows.length === 0 ? null : bulk.length === 0 ? table(data, false) : bulkForm(data, bulk)}
<nav class="pages" aria-label="Pages">
${query.page > 1 ? html`<a rel="prev" href="${listHref(resource, query, { page: query.page - 1 })}">← Previous</a>` : null}
<span class="muted">page ${query.page}${more ? '' : ` of ${pages}`}</span>
${query.page < pages ? html`<a rel="next" href="${listHref(resource, query, { page: query.page + 1 })}">Next →</a>` : null}
</nav>`;
}
