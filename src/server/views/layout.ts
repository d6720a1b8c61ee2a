import { html, type SafeHtml } from './html.js';

export interface LayoutContext {
  title: string;
  /** The signed-in user's display name, or null when signed out. */
  signedInAs: string | null;
  csrfToken: string | null;
}

export function layout(context: LayoutContext, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${context.title} · Tokenkeeper</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header class="top"><div class="bar">
<a class="brand" href="/">Tokenkeeper</a>
${
  context.signedInAs !== null
    ? html`<nav><a href="/account">${context.signedInAs}</a>
<form class="inline" method="post" action="/logout"><input type="hidden" name="_csrf" value="${context.csrfToken ?? ''}"> <button class="secondary" type="submit">Sign out</button></form></nav>`
    : null
}
</div></header>
<main>
${body}
</main>
</body>
</html>
`.value;
}
