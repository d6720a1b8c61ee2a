import { ProviderUnavailableError, SignInError } from './errors.js';
import type { ConnectionApiBaseRule, ProviderSettings } from './provider-settings.js';

/**
 * What came back with the code at sign-in: the callback's parameters, the
 * validated ID token's claims, and the regional server the code was
 * exchanged at (one of ProviderSettings.regionalServers, checked), when not
 * the configured one.
 */
export interface SignInAnswer {
  parameters: URLSearchParams;
  idClaims: Record<string, unknown>;
  regionalServer?: string;
}

/**
 * The API base of a connection whose callback names what it reaches
 * (QuickBooks' `realmId`): apiBaseUrl and the value as one more path segment.
 * The value came through the browser: it is taken only once, matching the
 * rule's pattern in full, and equal to the ID token's claim when the ID token
 * names one; otherwise the callback is refused (400), before anything is kept.
 */
function callbackApiBase(settings: ProviderSettings, rule: Extract<ConnectionApiBaseRule, { callbackParameter: string }>, answer: SignInAnswer): string {
  const values = answer.parameters.getAll(rule.callbackParameter);
  const value = values.length === 1 ? values[0]! : undefined;
  const pattern = new RegExp(`^(?:${rule.pattern.source})$`, rule.pattern.flags.replace(/[gy]/g, ''));
  if (value === undefined || !pattern.test(value)) {
    throw new SignInError('invalid_callback', `This sign-in response did not name the ${rule.callbackParameter} the connection is for, once and well-formed. Please sign in with ${settings.displayName} again.`);
  }
  const claim = rule.idTokenClaim === undefined ? undefined : answer.idClaims[rule.idTokenClaim];
  if (claim !== undefined && String(claim) !== value) {
    throw new SignInError('invalid_callback', `This sign-in response named another ${rule.callbackParameter} than ${settings.displayName}'s ID token. Please sign in again.`);
  }
  if (!settings.apiBaseUrl) throw new Error(`${settings.name}: a connection API base from the callback needs apiBaseUrl`);
  return `${settings.apiBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(value)}`;
}

/** Whether `host` is `domain` or one of its subdomains. */
function withinDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * `value` as an API base the access token may be sent to: an absolute https
 * URL (http only where the provider's own URLs may be http, in development)
 * on one of `domains`, with no credentials, query or fragment that could
 * make it mean another place than it seems. Its origin and path, without a
 * trailing slash; else a provider fault naming `named`, before any token is
 * sent there.
 */
function checkedApiBase(settings: ProviderSettings, value: unknown, domains: readonly string[], named: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  const protocolOk = url?.protocol === 'https:' || (url?.protocol === 'http:' && settings.allowInsecureHttp);
  if (!url || !protocolOk || url.username || url.password || url.search || url.hash || !domains.some((domain) => withinDomain(url.hostname, domain))) {
    throw new ProviderUnavailableError('provider_bad_response', `${settings.displayName} named an API origin (${named}) outside its own domains; no token is sent there.`);
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** A bare host name, with an optional port: nothing that could carry a scheme, a path or credentials. */
const BARE_HOST = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/i;

/**
 * `value`, a host alone (a name and an optional port), as an origin: on
 * https, or on http where the provider's own URLs may be http (in
 * development) and `reference`, the provider's URL it stands beside, is
 * http. Undefined for anything that is not a bare host.
 */
export function bareHostOrigin(settings: Pick<ProviderSettings, 'allowInsecureHttp'>, value: unknown, reference: string | undefined): string | undefined {
  if (typeof value !== 'string' || !BARE_HOST.test(value)) return undefined;
  const scheme = settings.allowInsecureHttp && reference?.startsWith('http:') ? 'http:' : 'https:';
  return `${scheme}//${value}`;
}

/**
 * The API base of a rule whose member names a host alone (Wrike's `host`):
 * `{host's origin}{path}` (bareHostOrigin, beside the configured API base).
 * Undefined for a value that is not a bare host, which checkedApiBase then
 * refuses.
 */
function hostApiBase(settings: ProviderSettings, value: unknown, path: string): string | undefined {
  const origin = bareHostOrigin(settings, value, settings.apiBaseUrl);
  return origin === undefined ? undefined : `${origin}${path}`;
}

/**
 * The API base a provider names for this one connection, checked before any
 * access token is sent there. From a token response member (Salesforce's
 * `instance_url`): see checkedApiBase. From the callback (QuickBooks'
 * `realmId`, given `signIn` at sign-in only): see callbackApiBase. From the
 * regional server the code was exchanged at (Datadog's `https://api.<site>`,
 * at sign-in only): that origin and the rule's path. Null when the provider
 * names none, or the answer does not (a refresh keeps the base the
 * connection has), for a connection made at the configured server (whose
 * base is apiBaseUrl), and for a base the user API names (profileApiBase).
 */
export function connectionApiBase(settings: ProviderSettings, response: Record<string, unknown>, signIn?: SignInAnswer): string | null {
  const rule = settings.connectionApiBase;
  // A base the user API names (profileApiBase), or the verifyAccount hook found (at sign-in), is not in the token answer.
  if (!rule || 'profileMember' in rule || 'verifiedAccount' in rule) return null;
  if ('callbackParameter' in rule) return signIn ? callbackApiBase(settings, rule, signIn) : null;
  if ('regionalServerPath' in rule) return signIn?.regionalServer ? `${new URL(signIn.regionalServer).origin}${rule.regionalServerPath.replace(/\/+$/, '')}` : null;
  const value = response[rule.member];
  if (value === undefined) return null;
  return checkedApiBase(settings, rule.hostPath === undefined ? value : hostApiBase(settings, value, rule.hostPath), rule.domains, rule.member);
}

/**
 * The API base the user API names for this connection at sign-in (Mailchimp's
 * `api_endpoint`, DocuSign's default account), from `claims`, the profile
 * that also gave the subject: checked as a token response member's is, and
 * required, since the connection has no API without it. Null for a provider
 * whose rule is another.
 */
export function profileApiBase(settings: ProviderSettings, claims: Record<string, unknown>): string | null {
  const rule = settings.connectionApiBase;
  if (!rule || !('profileMember' in rule)) return null;
  const value = claims[rule.profileMember];
  if (value === undefined || value === null || value === '') {
    throw new ProviderUnavailableError('provider_bad_response', `${settings.displayName} did not name an API origin (${rule.profileMember}) for this connection; nothing was kept.`);
  }
  return checkedApiBase(settings, value, rule.domains, rule.profileMember);
}
