import * as oidc from 'openid-client';
import { withApiQueryParameters } from './api-query.js';
import { profileApiBase } from './connection-api-base.js';
import { describeProviderFailure, ProviderUnavailableError } from './errors.js';
import type { ProfileReader } from './provider-hooks.js';
import { apiHeadersOf, type ProviderSettings } from './provider-settings.js';
import { refusalText } from './refusal-text.js';
import { withTokenProof } from './token-proof.js';

/** The person's claims from the provider's userinfo (or user API), and an e-mail a hook found elsewhere. */
export interface ReadProfile {
  claims: Record<string, unknown>;
  foundEmail: { email: string; verified: boolean } | null;
}

function faultOf(displayName: string, step: string, url: string, status: number, words?: string): ProviderUnavailableError {
  if (status === 503) return new ProviderUnavailableError('provider_unavailable', `${displayName} is temporarily unavailable (HTTP 503) for the ${step}.`);
  if (status >= 500) return new ProviderUnavailableError('provider_error', `${displayName} failed the ${step} (HTTP ${status}).`);
  // Nothing at that address: the configured URL is the likely fault, so it is named.
  if (status === 404 || status === 410) return new ProviderUnavailableError('provider_bad_response', `${displayName} answered the ${step} at ${url} with HTTP ${status}.`);
  // The provider's own words say why, e.g. an app in a development mode that the person is not allowed into.
  return new ProviderUnavailableError('provider_bad_response', `${displayName} refused the ${step} (HTTP ${status}${words === undefined ? '' : `: ${words}`}).`);
}

/**
 * GETs a JSON resource with the access token through openid-client (so the
 * provider's fetch, timeout and TLS settings apply), or POSTs `postJson` to
 * it (a GraphQL query). For an `optional` resource (one a hook looks for),
 * 403 and 404 are "not visible to this token": undefined. Any other non-2xx,
 * or a body that is not JSON, is a provider fault naming the status.
 */
async function getProtectedJson(
  config: oidc.Configuration,
  settings: ProviderSettings,
  accessToken: string,
  url: string,
  step: string,
  optional: boolean,
  postJson?: Record<string, unknown>,
  dpop?: oidc.DPoPOptions,
): Promise<unknown> {
  let response: Response;
  const headers = new Headers({ accept: 'application/json', ...apiHeadersOf(settings), ...(postJson ? { 'content-type': 'application/json' } : {}) });
  try {
    const target = withTokenProof(settings, withApiQueryParameters(settings, new URL(url)), accessToken);
    response = await oidc.fetchProtectedResource(config, accessToken, target, postJson ? 'POST' : 'GET', postJson ? JSON.stringify(postJson) : undefined, headers, dpop);
  } catch (error) {
    throw describeProviderFailure(settings.displayName, step, error);
  }
  if (optional && (response.status === 403 || response.status === 404)) {
    await response.body?.cancel().catch(() => {});
    return undefined;
  }
  if (response.status < 200 || response.status > 299) {
    let words = response.status >= 400 && response.status < 500 ? await refusalText(response) : undefined;
    // A provider that echoed the token back would otherwise put it in the message, shown and logged.
    if (words !== undefined && accessToken.length >= 8) words = words.split(accessToken).join('[access token]');
    await response.body?.cancel().catch(() => {});
    throw faultOf(settings.displayName, step, url, response.status, words);
  }
  try {
    return (await response.json()) as unknown;
  } catch (error) {
    throw new ProviderUnavailableError('provider_bad_response', `${settings.displayName} answered the ${step} with something that is not JSON.`, { cause: error });
  }
}

/**
 * The introspection (RFC 7662) of the access token just issued, as the
 * profile: the token travels in the POST body with the client's
 * authentication, so it appears in no URL, and an answer that is not
 * `active` is a fault (the provider refuses its own fresh token).
 */
async function introspectedProfile(config: oidc.Configuration, settings: ProviderSettings, accessToken: string): Promise<unknown> {
  let answer: oidc.IntrospectionResponse;
  try {
    answer = await oidc.tokenIntrospection(config, accessToken, { token_type_hint: 'access_token' });
  } catch (error) {
    throw describeProviderFailure(settings.displayName, 'token introspection', error);
  }
  if (answer.active !== true) {
    throw new ProviderUnavailableError('provider_bad_response', `${settings.displayName} answered the token introspection of the access token it had just issued with active: false.`);
  }
  return answer;
}

/**
 * Reads who signed in. With an ID token, OpenID userinfo, whose `sub` must
 * equal the ID token's (OIDC Core §5.3.4). Without one (plain OAuth 2.0,
 * e.g. GitHub), the userinfo URL is a user API that may have no `sub` at
 * all: it is read as a protected resource and the subject is taken from
 * `subjectClaim`. A provider that names the person in the token answer
 * (a tokenResponseProfile hook) is read from `tokenAnswer` alone; a
 * tokenAnswerClaims hook adds what else it says of the grant. A preset's
 * findEmail hook runs when no e-mail came. `connectionBase`: the API origin
 * the token answer named for this connection, if any, where its hooks and a
 * user API on each connection's host are read. For a provider whose user API
 * answers only at the person's regional base, named by the readMoreClaims
 * hook (a profileMember rule with a userinfoPath), the hook runs first.
 */
export async function readProfile(
  config: oidc.Configuration,
  settings: ProviderSettings,
  accessToken: string,
  idSubject: string | undefined,
  tokenAnswer: Record<string, unknown> = {},
  connectionBase: string | null = null,
  dpop?: oidc.DPoPOptions,
): Promise<ReadProfile> {
  const fromTokenAnswer = settings.hooks?.tokenResponseProfile;
  const rule = settings.connectionApiBase;
  const userinfoPath = rule && 'userinfoPath' in rule ? rule.userinfoPath : undefined;
  // A verified account's profile is read at its own home (verifyAccount), whatever userinfo its server's metadata names
  // (Mastodon 4.4's names people by their actor URI).
  const configured = rule && 'verifiedAccount' in rule && userinfoPath ? undefined : config.serverMetadata().userinfo_endpoint;
  const reader = (step: string, apiBaseUrl: string | undefined, userinfoEndpoint: string | undefined): ProfileReader => ({
    userinfoEndpoint,
    apiBaseUrl,
    getJson: (url) => getProtectedJson(config, settings, accessToken, url, step, true, undefined, dpop),
  });
  // A user API only at the person's own regional base (Tesla's): the hook names that base first, checked before the token goes there.
  let moreClaims: Record<string, unknown> | undefined;
  let base = connectionBase;
  if (rule && 'profileMember' in rule && userinfoPath && configured === undefined && settings.hooks?.readMoreClaims) {
    moreClaims = await settings.hooks.readMoreClaims(reader('profile request', settings.apiBaseUrl, undefined));
    base = profileApiBase(settings, moreClaims);
  }
  // A user API on the connection's own host (Pipedrive's) is there, unless a userinfo endpoint is configured.
  const configuredUserinfo = configured ?? (userinfoPath && base ? `${base}${userinfoPath}` : undefined);
  const userinfoEndpoint = fromTokenAnswer || (settings.skipUserinfo && idSubject !== undefined) ? undefined : configuredUserinfo;
  let claims: Record<string, unknown> = {};
  if (fromTokenAnswer) {
    let profile: unknown;
    try {
      profile = fromTokenAnswer(tokenAnswer);
    } catch {
      profile = undefined;
    }
    if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) {
      throw new ProviderUnavailableError('provider_bad_response', `${settings.displayName} did not say who signed in with the tokens it issued.`);
    }
    claims = profile as Record<string, unknown>;
  } else if (userinfoEndpoint) {
    let body: unknown;
    if (idSubject !== undefined) {
      try {
        body = await oidc.fetchUserInfo(config, accessToken, idSubject, dpop);
      } catch (error) {
        throw describeProviderFailure(settings.displayName, 'userinfo request', error);
      }
    } else {
      body = settings.userinfoByIntrospection
        ? await introspectedProfile(config, settings, accessToken)
        : await getProtectedJson(config, settings, accessToken, userinfoEndpoint, 'userinfo request', false, settings.userinfoPostJson, dpop);
    }
    let profile: unknown = body;
    try {
      if (settings.hooks?.profileClaims) profile = settings.hooks.profileClaims(body);
    } catch (error) {
      throw new ProviderUnavailableError('provider_bad_response', `${settings.displayName} did not answer the userinfo request with a profile.`, { cause: error });
    }
    if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) {
      throw new ProviderUnavailableError('provider_bad_response', `${settings.displayName} did not answer the userinfo request with a profile.`);
    }
    claims = profile as Record<string, unknown>;
  }

  const apiBaseUrl = base ?? settings.apiBaseUrl;
  if (settings.hooks?.readMoreClaims) claims = { ...(moreClaims ?? (await settings.hooks.readMoreClaims(reader('profile request', apiBaseUrl, userinfoEndpoint)))), ...claims };
  if (settings.hooks?.tokenAnswerClaims) claims = { ...settings.hooks.tokenAnswerClaims(tokenAnswer), ...claims };

  const emailClaim = settings.claimNames?.email ?? 'email';
  const hasEmail = typeof claims[emailClaim] === 'string' && claims[emailClaim] !== '';
  let foundEmail: ReadProfile['foundEmail'] = null;
  if (!hasEmail && settings.hooks?.findEmail) foundEmail = await settings.hooks.findEmail(reader('e-mail request', apiBaseUrl, userinfoEndpoint));
  return { claims, foundEmail };
}
