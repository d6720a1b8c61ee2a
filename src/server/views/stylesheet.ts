/** The app's only stylesheet, served at /static/style.css (no external assets). */
export const STYLESHEET = `
:root { --fg: #1d2330; --muted: #5b6475; --bg: #f6f7f9; --card: #fff; --line: #dde1e8; --accent: #2450d8; --warn: #a15c00; --bad: #b3261e; --good: #1b7a3d; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header.top { background: var(--card); border-bottom: 1px solid var(--line); }
header.top .bar { max-width: 960px; margin: 0 auto; padding: .75rem 1rem; display: flex; gap: 1rem; align-items: center; justify-content: space-between; }
header.top a.brand { font-weight: 700; color: var(--fg); text-decoration: none; }
main { max-width: 960px; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
/* A heading with a user's name in it: a name without spaces wraps instead of widening the page (WCAG 1.4.10). */
h1 { font-size: 1.6rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 0 0 1rem; }
.muted { color: var(--muted); }
/* Read by screen readers, not shown (the usual clip pattern). */
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
/* The admin pages' first link passes over the bar's eight links to the page's own content (WCAG 2.4.1); shown when focused. */
.skip-link { position: absolute; left: .5rem; top: -4rem; z-index: 10; background: var(--card); color: var(--accent); padding: .5rem .75rem; border: 2px solid var(--accent); border-radius: 6px; }
.skip-link:focus { top: .5rem; }
main:focus { outline: none; }
.button, button { display: inline-block; font: inherit; padding: .5rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; text-decoration: none; cursor: pointer; }
.button.secondary, button.secondary { background: var(--card); color: var(--accent); }
.providers { display: flex; flex-direction: column; gap: .5rem; max-width: 320px; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.fields dt { color: var(--muted); }
dl.fields dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
/* A value shown as it was sent (a webhook's body is one long line of JSON) wraps instead of widening the page (WCAG 1.4.10). */
dl.fields dd pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.status-active { color: var(--good); }
.status-needs_reauth, .status-expired { color: var(--bad); }
.status-expiring { color: var(--warn); }
.error { border-color: var(--bad); }
/* A form's error message stands out from the form's own text, not only by its place. */
p.error { color: var(--bad); font-weight: 600; }
[aria-invalid="true"] { border-color: var(--bad); }
form.inline { display: inline; }
code { font-size: .9em; }
pre.api-body { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; overflow: auto; max-height: 60vh; }
form.call-api, form.more-access { margin: .75rem 0 .25rem; }
input[type=text], input:not([type]), input[type=password], input[type=email] { font: inherit; padding: .4rem .55rem; border: 1px solid var(--line); border-radius: 6px; }
div.actions { display: flex; gap: .5rem; flex-wrap: wrap; }
button[disabled] { opacity: .5; cursor: not-allowed; }
main.wide, body.admin header.top .bar { max-width: 1200px; }
.admin-nav { display: flex; gap: 1rem; flex-wrap: wrap; }
.admin-nav a { color: var(--fg); text-decoration: none; padding: .25rem 0; }
.admin-nav a[aria-current] { border-bottom: 2px solid var(--accent); font-weight: 600; }
.who { display: flex; gap: .5rem; align-items: center; color: var(--muted); }
.flash { background: #e8f0fe; border: 1px solid #b6c8f5; border-radius: 6px; padding: .5rem .75rem; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 1rem; }
.tile { display: flex; flex-direction: column; text-decoration: none; color: var(--fg); }
.tile-value { font-size: 2rem; font-weight: 700; }
.tile-label { color: var(--muted); }
form.search { display: flex; gap: .5rem; align-items: center; margin: 0 0 .5rem; }
/* The search box gives way (min-width: 0) so "clear" stays in a 320-pixel window (WCAG 1.4.10). */
form.search input[type=search] { flex: 1; min-width: 0; max-width: 420px; font: inherit; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; }
.filters { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; margin: .5rem 0; }
.bulk-actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
.bulk-actions select { font: inherit; padding: .3rem .4rem; }
.filter a { margin-left: .35rem; }
.filter a[aria-current] { font-weight: 700; color: var(--fg); text-decoration: none; }
/* position: relative makes the wrapper the containing block of the tables' visually-hidden header text, which
   otherwise escapes the scrolling box and widens the whole page on a phone (WCAG 1.4.10). */
.table-wrap { position: relative; overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
table.list th a { color: var(--fg); }
/* A username or e-mail without spaces wraps in its cell instead of pushing the list's other columns out of a wide
   window; each cell keeps room for a word or two, so on a phone the table scrolls in its box rather than breaking
   every word (the checkbox cell needs none). */
table.list td { font-size: .95rem; overflow-wrap: anywhere; min-width: 7rem; }
table.list td:has(> input[type=checkbox]) { min-width: 0; }
code.masked { color: var(--muted); }
nav.pages { display: flex; gap: 1rem; align-items: center; margin: .75rem 0; }
button.danger { background: var(--bad); border-color: var(--bad); }
@media (max-width: 600px) { dl.fields { grid-template-columns: 1fr; } th, td { padding: .3rem .25rem; } }
/* On a phone, or at 200% zoom, the admin bar wraps: brand and sign-out on one line, the navigation in a row below
   (the three side by side need about 900 pixels). */
@media (max-width: 900px) { header.top .bar { flex-wrap: wrap; } .admin-nav { order: 3; width: 100%; } }
`;
