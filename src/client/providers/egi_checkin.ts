/**
 * EGI Check-in (a service registered as an OIDC Service in the EGI Federation
 * Registry, https://aai.egi.eu/federation, with the callback among its
 * redirect URIs and the scopes below selected). OpenID Connect on Keycloak,
 * federated sign-in through eduGAIN institutions and social providers. From
 * Check-in's guide for service providers
 * (https://docs.egi.eu/providers/check-in/sp/):
 * - Discovery at `https://aai.egi.eu/auth/realms/egi/.well-known/openid-configuration`,
 *   the issuer being `https://aai.egi.eu/auth/realms/egi`, with the
 *   authorization, token, userinfo and JWKS endpoints under
 *   `/protocol/openid-connect/` ("Endpoints"); the demo instance is
 *   `https://aai-demo.egi.eu/auth/realms/egi` and the development one
 *   `https://aai-dev.egi.eu/auth/realms/egi` (`<NAME>_ISSUER`);
 * - the authorization request is `client_id`, `redirect_uri`, `scope`,
 *   `state` and `response_type=code`; PKCE is a service's setting in the
 *   Federation Registry, S256 when chosen (S256 is sent, which a service set
 *   without PKCE has no use for);
 * - scopes: `openid` (`sub`), `profile` (`name`, `given_name`,
 *   `family_name`, `preferred_username`), `email` (`email`,
 *   `email_verified`, `voperson_verified_email`) and `voperson_id`
 *   (`voperson_id`), all asked, with `offline_access` for a refresh token
 *   (the guide's token-exchange example asks it and is answered one);
 * - the code exchange carries `grant_type`, `code` and `redirect_uri`; a
 *   refresh carries the client (the guide's example as HTTP Basic, sent so
 *   here), `refresh_token` and a `scope` that "should contain openid at
 *   least", so token requests send the scope; the answer is `access_token`
 *   (`expires_in` 3599), `id_token`, `refresh_token`, `scope` and
 *   `token_type: "Bearer"`, a refresh answering a new refresh token, kept;
 * - the person is the Community User Identifier, "a globally unique, opaque,
 *   persistent and non-reassignable identifier" (`<uniqueID>@egi.eu` for an
 *   identity Check-in manages), which does not change and is always
 *   released, in the ID token and the userinfo, as `voperson_id`. Its `sub`
 *   carries it today, but reading it from `sub` "will be deprecated": the
 *   account is keyed by the ID token's `voperson_id`
 *   (idTokenSubjectClaim), never by `preferred_username` (not to be relied
 *   upon as unique) or the e-mail (neither unique nor a key). The e-mail's
 *   `email_verified` is Check-in's own ("User attributes");
 * - a userinfo request with a token it does not take is `invalid_token`, a
 *   401 ("Common issues"). The token opens the userinfo alone, so the API
 *   base is `https://aai.egi.eu/auth/realms/egi/protocol/openid-connect`.
 * Not checked against Check-in's pages: `offline_access` outside the
 *   token-exchange example; whether a refresh ends the spent refresh token
 *   (the newest is kept either way) and the refresh tokens' lifetime (12
 *   months in the guide's example client's note); the refusals' bodies
 *   (RFC 6749 §5.2's assumed); `access_denied` for a person who declines;
 *   revocation (not among the documented endpoints: if discovery names
 *   Keycloak's revocation endpoint, disconnect revokes there as RFC 7009 has
 *   it, else it asks Check-in nothing).
 */
import type { ProviderPreset } from './preset.js';

export const egi_checkin: ProviderPreset = {
  displayName: 'EGI Check-in',
  settings: () => ({
    discovery: { issuer: 'https://aai.egi.eu/auth/realms/egi' },
    scope: 'openid profile email voperson_id offline_access',
    apiBaseUrl: 'https://aai.egi.eu/auth/realms/egi/protocol/openid-connect',
    tokenEndpointAuthMethod: 'client_secret_basic',
    tokenRequestsSendScope: true,
    idTokenSubjectClaim: 'voperson_id',
  }),
};
