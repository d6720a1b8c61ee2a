/**
 * Idura Verify (formerly Criipto Verify: sign-in with national eIDs such as MitID, Swedish and Norwegian BankID,
 * FTN, itsme or iDIN), an OpenID Provider per domain, with discovery. `<NAME>_DOMAIN` is the Idura Verify domain the
 * application is registered on (`<name>.idura.broker`, an older `<name>.criipto.id`, or the tenant's own DNS
 * domain); the issuer is `https://<domain>`, its discovery document at `/.well-known/openid-configuration`
 * (https://docs.idura.app/verify/guides/work-with-metadata, https://docs.idura.app/verify/getting-started/basics/#domains).
 * A domain is registered for test or for production, so it decides whether test eIDs or real ones are taken.
 * - The client is an application registered on that domain, its Client ID (often `urn:my:application:identifier:…`,
 *   or any format chosen), the callback among its callback URLs, with "OAuth2 Code Flow" enabled for a secret and its
 *   user info response strategy `plainJson`, so that `/oauth2/userinfo` answers JSON
 *   (https://docs.idura.app/verify/getting-started/basics/#applications,
 *   https://docs.idura.app/verify/integrations/okta/#configure-the-oauth2-code-flow).
 * - `GET /oauth2/authorize` with `response_type=code`, `client_id`, `redirect_uri`, `scope` (always `openid`) and
 *   `state`; `acr_values` names the one eID to use, and without it the person chooses on Idura's page, so none is
 *   sent (`<NAME>_AUTHORIZATION_PARAMS`, `acr_values=urn:grn:authn:dk:mitid:substantial`, picks one). A failure
 *   comes back as `error` and `error_description` (https://docs.idura.app/verify/getting-started/oidc-intro).
 *   `openid` alone gets what the application's settings give for each eID; `email`, `phone`, `address`,
 *   `birthdate` or `ssn` count only for an application with dynamic scopes, by `<NAME>_SCOPE`.
 * - `POST /oauth2/token`, a form with the credentials preferably by Basic, the id and the secret each form-encoded
 *   first (RFC 6749 §2.3.1: a `urn:…` id's colons become `%3A`); credentials in the form are taken too but
 *   discouraged (https://docs.idura.app/verify/getting-started/oidc-intro#exchange-the-code-for-a-token). PKCE
 *   (S256) is recommended for every kind of application, secret or not
 *   (https://docs.idura.app/verify/reference/authorization-flows/pkce/).
 * - The person is `sub`, which Idura describes as a persistent pseudonym uniquely identifying an eID user within the
 *   Idura tenant (`{1373c272-b61a-4cb5-88b2-9c44883fe62f}`); `nameidentifier` is its older form, and national
 *   numbers (`ssn`, `socialno`, `cprNumberIdentifier`) are details, never the account
 *   (https://docs.idura.app/verify/reference/token-contents/). It is per eID: the same person through two eIDs is two
 *   accounts here, and a German Personalausweis gives a new one with a new card. `name`, `given_name` and
 *   `family_name` come with most eIDs.
 * - Idura authenticates; it grants no lasting access: no refresh token is documented, so the person signs in again
 *   when the access token ends. The token opens userinfo alone, under the issuer (`/oauth2/userinfo`).
 * Not checked against Idura's pages: that `{…}` GUIDs are the form of every eID's `sub`; the code flow's token
 * answer (its `expires_in`: the emulator answers 120 s, as the CIBA example does, where an application's "Token
 * lifetime" setting may say otherwise) and that it holds no refresh token; the token endpoint's refusals (RFC 6749
 * §5.2's codes as HTTP 400 assumed) and userinfo's answer to a token it does not take (RFC 6750's 401 assumed; the
 * documented "Unknown Access Code" error comes of a spent code or the `fromTokenEndpoint` strategy); that a person
 * who cancels comes back with `access_denied`; that discovery names no revocation endpoint (none is documented,
 * so disconnect deletes the tokens here).
 */
import type { ProviderPreset } from './preset.js';

export const idura: ProviderPreset = {
  displayName: 'Idura Verify',
  values: { domain: 'issuer' },
  settings: ({ domain }) => {
    const issuer = `https://${domain ?? ''}`;
    return {
      discovery: { issuer },
      scope: 'openid',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
    };
  },
};
