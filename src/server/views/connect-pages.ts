import type { ProviderSettings } from '../../client/provider-settings.js';
import type { ConnectLinkPreview } from '../../core/connect-links.js';
import { html, type SafeHtml } from './html.js';

/** A connect link opened while signed out: sign in first (any provider), then the connect step follows. */
export function connectSignInPage(providers: readonly ProviderSettings[], connectingDisplayName: string): SafeHtml {
  return html`<h1>Sign in to connect ${connectingDisplayName}</h1>
<div class="card">
<p>This link connects ${connectingDisplayName} to your Tokenkeeper account. Sign in first, with any provider you use here; then ${connectingDisplayName} asks for your consent.</p>
<div class="providers">
${providers.filter((p) => !p.connectOnly).map((p) => html`<a class="button" href="/connect/sign-in/${encodeURIComponent(p.name)}">Sign in with ${p.displayName}</a>`)}
</div>
</div>`;
}

/** What a link preview (a chat app unfurling the pasted link) shows: the link is left unused. */
export function connectPreviewPage(preview: ConnectLinkPreview): SafeHtml {
  if (preview.state === 'unknown') return html`<h1>Connect an account</h1><div class="card"><p>There is no connect link at this address.</p></div>`;
  const what = html`${preview.serviceName} asks you to connect your ${preview.providerDisplayName} account.`;
  const status =
    preview.state === 'open' ? 'Open the link in your browser to continue; it works once, for 15 minutes.' : preview.state === 'used' ? 'This link was opened already.' : 'This link has expired.';
  return html`<h1>Connect ${preview.providerDisplayName}</h1><div class="card"><p>${what}</p><p>${status}</p></div>`;
}
