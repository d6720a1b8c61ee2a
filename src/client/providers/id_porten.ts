/**
 * ID-porten, the Norwegian Digitalisation Agency's (Digdir) login service for public and private services, for a
 * client registered in Digdir's self-service (its `client_id`, secret and redirect URIs): OpenID Connect's
 * authorization code flow with discovery at `https://idporten.no/.well-known/openid-configuration`, the test
 * environment's `https://test.idporten.no` by `<NAME>_BASE_URL`
 * (https://docs.digdir.no/docs/idporten/oidc/oidc_func_wellknown). From Digdir's ID-porten documentation
 * (https://docs.digdir.no/docs/idporten/oidc/):
 * - the new ID-porten (2023) follows OAuth 2.1: every client must send PKCE (S256 only, the challenge unpadded),
 *   a `state` and a `nonce`, and refusals come back to the client with `iss` (RFC 9207), which the app checks
 *   (oidc_protocol_new_idporten, oidc_protocol_authorize). `openid profile` is asked: `profile` gives an access token
 *   that opens userinfo (oidc_protocol_userinfo); `acr_values` (`idporten-loa-substantial` or `idporten-loa-high`) is
 *   left to `<NAME>_AUTHORIZATION_PARAMS`, and the kept `acr` is the app's to check, as Digdir asks;
 * - `POST /token` takes the code with `redirect_uri` and `code_verifier`, the client by `client_secret_basic` (sent
 *   here), `client_secret_post` or `private_key_jwt` (whose assertion's `aud` is the issuer, openid-client's
 *   default). It answers `access_token`, `expires_in`, an RS256 `id_token`, and for a confidential client a
 *   `refresh_token` with `refresh_token_expires_in` (oidc_protocol_token);
 * - the subject is the ID token's `sub`: "an unique identifier for the authenticated user", pairwise, "a given client
 *   will always get the same value" (oidc_protocol_id_token). `pid`, the national identity number, is kept with the
 *   claims (it may be missing for a foreign eID), as are `acr`, `amr` and `locale`; userinfo answers `sub`, `pid`
 *   and `locale` and no name, so the person has none here. The API base is the issuer.
 * Not checked against Digdir's pages: whether a refresh rotates the refresh token (the newest answered is kept), the
 * refresh token's lifetime (the answer's `refresh_token_expires_in` is read), the revocation endpoint (RFC 7009 at
 * the one its discovery names, should it name one), and that the issuer has no trailing slash (the ID token example
 * has none; the migration page writes `https://idporten.no/`). The migration to the new ID-porten changed every
 * `sub` once; a client that kept old ones sees its people as new accounts.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

const PRODUCTION = 'https://idporten.no';

export const id_porten: ProviderPreset = {
  displayName: 'ID-porten',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const issuer = baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION;
    return {
      discovery: { issuer },
      scope: 'openid profile',
      tokenEndpointAuthMethod: 'client_secret_basic',
      apiBaseUrl: issuer,
    };
  },
};
