import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderSettings } from '../provider-settings.js';

/** Values a preset is templated on, each from a `<NAME>_…` variable. */
export interface PresetValues {
  /** `<NAME>_BASE_URL`: the host of a self-run server (GitHub Enterprise Server, self-managed GitLab, Gitea or Forgejo, Nextcloud, Keycloak, a ZITADEL instance, authentik, Authelia, a Kanidm server, Dex's issuer, a Casdoor server, an Ory Network project's or Ory Hydra's issuer, a Duende IdentityServer host, a Logto endpoint, a Canvas LMS install, a Blackboard Learn install, a Matrix Authentication Service's issuer, a PingAM deployment with its path, a SMART on FHIR EHR's FHIR base URL), the Mastodon server a fediverse sign-in goes to when the person names none, an OCI IAM identity domain's URL, a Descope project's custom API domain (in place of `https://api.descope.com`), or a provider's other environment (Square's Sandbox, Gusto's demo environment, RingCentral's developer sandbox, Dexcom's sandbox, Procore's sandboxes' login host, eBay's Sandbox, Wise's sandbox, GOV.UK One Login's and FranceConnect's integration environments, TARA's test service, DigiLocker's sandbox, itsme's E2E environment, ID-porten's test environment) or data centre (Zoho's accounts server, Dexcom's European or Japanese API, an Exact Online country's site, Battle.net's server for China, EVE Online's Singularity test server's SSO, Asgardeo's EU region). */
  baseUrl?: string;
  /** `<NAME>_TENANT`: a Microsoft Entra tenant (`common`, `organizations`, `consumers` or a tenant id), a Microsoft Entra External ID external tenant's subdomain (`contoso` of `contoso.ciamlogin.com`), an Asgardeo organization's name, or a FusionAuth tenant's id. */
  tenant?: string;
  /** `<NAME>_DOMAIN`: an Okta or Auth0 domain, a OneLogin account's host (acme.onelogin.com), a CyberArk Identity tenant URL's host (mytenant.idaptive.app), an Aha! account's host (acme.aha.io), an Egnyte domain's host (acme.egnyte.com, acme.egnytegov.com), a Kinde business's host (acme.kinde.com, or its custom domain), a Signicat account's domain (acme.sandbox.signicat.com, acme.app.signicat.com, or its custom domain), an Idura Verify domain (acme.idura.broker, or the tenant's own), a Zendesk account's host, an Amazon Cognito user pool's domain, a Shopify store's myshopify.com host, a Smartsheet product's domain (smartsheet.eu, smartsheetgov.com), a Mercado Libre country's site (mercadolibre.com.mx, mercadolivre.com.br), whose `auth.` host its people authorize on, a Bitrix24 account's host (acme.bitrix24.com), a PingOne region's host (auth.pingone.eu), a Stytch project's domain (its Custom Domain), a WorkOS environment's AuthKit domain (`<subdomain>.authkit.app`, or its custom domain), Feishu's open platform's (`feishu.cn`) or Lark's (`larksuite.com`), or a Cloudflare Zero Trust organization's team domain (`<team>.cloudflareaccess.com`). */
  domain?: string;
  /** `<NAME>_REALM`: a Keycloak realm, or a PingAM realm below its top-level realm (`alpha`). */
  realm?: string;
  /** `<NAME>_APPLICATION_SLUG`: an authentik application's slug, which names its OAuth2 provider's issuer (`<base>/application/o/<slug>/`), or a CyberArk Identity OpenID Connect application's Application ID, which names each of its endpoints (`https://<tenant>/oauth2/token/<application id>`), or an itsme service's code, asked as the `service:<code>` scope. */
  applicationSlug?: string;
  /** `<NAME>_AUDIENCE`: the API an Auth0 access token is for. */
  audience?: string;
  /** `<NAME>_TEAM_ID`: the Apple developer team that signs the client secret. */
  teamId?: string;
  /** `<NAME>_USER_POOL_ID`: an Amazon Cognito user pool (`us-east-1_AbCdEf123`, its region first). */
  userPoolId?: string;
  /**
   * `<NAME>_USER_AGENT`: the User-Agent of every request to a provider whose rules ask apps to name themselves and
   * their makers' contact in it (Reddit's `server:<app id>:<version> (by /u/<username>)`, Basecamp's app name and
   * a URL or e-mail), in place of the preset's own, which names the app by its client id alone.
   */
  userAgent?: string;
  /**
   * `<NAME>_USER_TYPE`: the kind of token a HighLevel app asks for at its token endpoint (`user_type`), `Location`
   * (a sub-account's) or `Company` (an agency's), as the app's distribution is.
   */
  userType?: string;
  /**
   * `<NAME>_RUNAME`: an eBay app's RuName, the name eBay gives a redirect registered on the app's User Tokens page, which
   * eBay takes as `redirect_uri` in place of a URL (https://developer.ebay.com/api-docs/static/oauth-redirect-uri.html).
   */
  ruName?: string;
  /**
   * `<NAME>_ENVIRONMENT_ID`: a PingOne environment, whose issuer is `https://auth.pingone.<region>/<environment id>/as`
   * (https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/discovery-openid-configuration.html).
   */
  environmentId?: string;
  /**
   * `<NAME>_X_API_KEY`: the API key a provider issues an app beside its client, which every call to its API carries
   * in a header of its own, Bungie.net's `X-API-Key` (https://bungie-net.github.io, "Common Headers"), or in the
   * query, Enphase's `key` (https://developer-v4.enphase.com/docs/quickstart.html).
   */
  apiKey?: string;
  /**
   * `<NAME>_POLICY`: an Azure AD B2C user flow's or custom policy's name (`B2C_1_signupsignin`, `B2C_1A_signup_signin`),
   * which names its endpoints and discovery document (https://learn.microsoft.com/en-us/azure/active-directory-b2c/openid-connect).
   */
  policy?: string;
  /**
   * `<NAME>_PLC_URL`: the PLC directory an AT Protocol preset reads `did:plc` documents from
   * (https://web.plc.directory/spec/v0.1/did-plc), `https://plc.directory` when unset: another only for a network of
   * its own, or a test.
   */
  plcUrl?: string;
}

export type PresetValueName = keyof PresetValues;

/** The variable suffix of each template value. */
export const PRESET_VALUE_VARIABLES: Readonly<Record<PresetValueName, string>> = {
  baseUrl: 'BASE_URL',
  tenant: 'TENANT',
  domain: 'DOMAIN',
  realm: 'REALM',
  applicationSlug: 'APPLICATION_SLUG',
  audience: 'AUDIENCE',
  teamId: 'TEAM_ID',
  userPoolId: 'USER_POOL_ID',
  userAgent: 'USER_AGENT',
  userType: 'USER_TYPE',
  ruName: 'RUNAME',
  environmentId: 'ENVIRONMENT_ID',
  apiKey: 'X_API_KEY',
  policy: 'POLICY',
  plcUrl: 'PLC_URL',
};

/** The client a preset's settings are for, for a provider that asks apps to name themselves by it (Reddit's User-Agent). */
export interface PresetClient {
  /** `<NAME>_CLIENT_ID`. */
  clientId: string;
}

/** The part of ProviderSettings a preset fills in; `<NAME>_…` variables still win. */
export type PresetSettings = Partial<Omit<ProviderSettings, 'name' | 'displayName' | 'clientId' | 'clientSecret' | 'allowInsecureHttp'>>;

/**
 * A well-known provider as data over the one tested core, plus the hooks
 * for where it departs from the specifications.
 */
export interface ProviderPreset {
  displayName: string;
  /**
   * The template values it reads, and whether each is required; `issuer`: required only to make the issuer, so
   * not when `<NAME>_ISSUER` or `<NAME>_SERVER_METADATA_URL` gives it.
   */
  values?: Partial<Record<PresetValueName, 'required' | 'optional' | 'issuer'>>;
  settings(values: PresetValues, client?: PresetClient): PresetSettings;
}

/** `https://host/` → `https://host`, so paths can be appended. */
export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The host of a configured base URL, for a preset that qualifies ids unique only within one instance by it
 * (`<id>@<host>`); '' for a URL that does not parse, which is refused where the endpoints made from it are checked.
 *
 * @example
 * hostOf('https://myschool.brightspace.com/'); // 'myschool.brightspace.com'
 */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** `value` when it is a JSON object (not null, not an array), for reading a provider's answer member by member. */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * A tokenRequest hook that sends openid-client's form as a JSON body with the
 * same members (the client's id and secret among them, for
 * client_secret_post), for a token endpoint documented to take JSON, with
 * `headers` added (Notion's version header).
 */
export function jsonTokenRequest(headers: Record<string, string> = {}) {
  return (request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } => {
    const kept = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
    return { body: JSON.stringify(Object.fromEntries(request.body)), headers: { ...kept, 'content-type': 'application/json', ...headers } };
  };
}

/**
 * A tokenRequest hook for a token endpoint that names the client its own way (WeChat's `appid` and `secret`,
 * Kuaishou's `app_id` and `app_secret`) and takes only the members it documents: the client's id and secret under
 * those names (the secret left out of a refresh when `secretOnRefresh` is false), then the code and grant type, or
 * the grant type and refresh token.
 */
export function renamedClientTokenRequest(names: { clientId: string; clientSecret: string; secretOnRefresh?: boolean }) {
  return (request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } => {
    const sent = request.body;
    const refresh = sent.get('grant_type') === 'refresh_token';
    const body = new URLSearchParams({ [names.clientId]: sent.get('client_id') ?? '' });
    if (!refresh || names.secretOnRefresh !== false) body.set(names.clientSecret, sent.get('client_secret') ?? '');
    for (const name of refresh ? ['grant_type', 'refresh_token'] : ['code', 'grant_type']) {
      const value = sent.get(name);
      if (value !== null) body.set(name, value);
    }
    return { body: body.toString(), headers: request.headers };
  };
}

/** RFC 6749 §3.3's space-separated scope joined with commas, for an authorization request whose provider takes its scopes comma-delimited (Zoho, Linear, Pinterest, Shopify, Strava, TikTok, Withings…). */
export function commaJoinedScope(scope: string): string {
  return scope.split(' ').filter(Boolean).join(',');
}
