import type { ProviderSettings } from '../../client/provider-settings.js';
import { html, type SafeHtml } from './html.js';

/** A connect link opened while signed out: sign in first (any provider), then the connect step follows. */
export function connectSignInPage(providers: readonly ProviderSettings[], connectingDisplayName: string): SafeHtml {
  return html`<h1>Sign in to connect ${connectingDisplayName}</h1>
<div class="card">
<p>This link connects ${connectingDisplayName} to your Tokenkeeper account. Sign in first, with any provider you use here; then ${connectingDisplayName} asks for your consent.</p>
<div class="providers">
${providers.map((p) => html`<a class="button" href="/connect/sign-in/${encodeURIComponent(p.name)}">Sign in with ${p.displayName}</a>`)}
</div>
</div>`;
}
