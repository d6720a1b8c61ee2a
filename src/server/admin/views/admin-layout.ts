import { html, type SafeHtml } from '../../views/html.js';

export interface AdminLayoutContext {
  title: string;
  /** The signed-in staff user's name, or null on the login page. */
  adminName: string | null;
  csrfToken: string | null;
  /** Which nav entry is current. */
  section: 'dashboard' | 'users' | 'tokens' | 'services' | 'webhooks' | 'registered-clients' | 'audit' | null;
  /** A one-line outcome of the last action, shown once. */
  flash?: string | null;
}

const NAV: ReadonlyArray<{ section: AdminLayoutContext['section']; href: string; label: string }> = [
  { section: 'dashboard', href: '/admin', label: 'Dashboard' },
  { section: 'users', href: '/admin/users', label: 'Users' },
  { section: 'tokens', href: '/admin/tokens', label: 'Tokens' },
  { section: 'services', href: '/admin/services', label: 'Service keys' },
  { section: 'webhooks', href: '/admin/webhooks', label: 'Webhooks' },
  { section: 'registered-clients', href: '/admin/registered-clients', label: 'Registered clients' },
  { section: 'audit', href: '/admin/audit', label: 'Audit log' },
];

/** The admin site's frame: the app's stylesheet, a navigation bar with the resources, who is signed in. */
export function adminLayout(context: AdminLayoutContext, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${context.title} · Tokenkeeper admin</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body class="admin">
<a class="skip-link" href="#main">Skip to main content</a>
<header class="top"><div class="bar">
<a class="brand" href="/admin">Tokenkeeper admin</a>
${
  context.adminName !== null
    ? html`<nav class="admin-nav">${NAV.map((item) => html`<a href="${item.href}"${item.section === context.section ? html` aria-current="page"` : null}>${item.label}</a>`)}</nav>
<div class="who">${context.adminName}
<form class="inline" method="post" action="/admin/logout"><input type="hidden" name="_csrf" value="${context.csrfToken ?? ''}"> <button class="secondary" type="submit">Sign out</button></form></div>`
    : null
}
</div></header>
<main id="main" class="wide" tabindex="-1">
${context.flash ? html`<p class="flash" role="status">${context.flash}</p>` : null}
${body}
</main>
</body>
</html>
`.value;
}
