import { html, type SafeHtml } from '../../views/html.js';

/** A link to an admin page: where an error page leads back to, a breadcrumb. */
export interface PageLink {
  href: string;
  label: string;
}

/** A refusal inside the admin site, in the admin's frame, with a link back into it. */
export function adminErrorPage(message: string, back: PageLink): SafeHtml {
  return html`<h1>That did not work</h1>
<div class="card error"><p class="error-message">${message}</p>
<p><a href="${back.href}">${back.label}</a></p></div>`;
}
