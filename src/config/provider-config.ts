import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findPreset, PRESET_VALUE_VARIABLES, PROVIDER_PRESETS, type PresetSettings, type PresetValueName, type PresetValues } from '../client/providers/index.js';
import { withoutTrailingSlash } from '../client/providers/preset.js';
import { readClientPrivateKey, signingAlgorithmOf } from '../client/client-auth.js';
import { appCallbackUrl, clientMetadataDocumentUrl, isLoopbackBaseUrl, isMetadataDocumentUrl, metadataDocumentClientId } from '../client/client-metadata.js';
import { type ClientDecryptionKey, DecryptionAlgorithmError, readDecryptionKey } from '../client/response-decryption.js';
import { REGISTERED_AT_EACH_SERVER, type ClientPrivateKey, type ProviderEndpoints, type ProviderSettings, type TokenEndpointAuthMethod } from '../client/provider-settings.js';
import { ConfigError } from './config-error.js';
import type { Environment } from './env-file.js';
import { onOrOff, url } from './env-values.js';
import { presetBaseUrlProblem } from './preset-base-url.js';
import { presetDomainProblem } from './preset-domain.js';
import { extraApiBaseUrls } from './extra-api-bases.js';
import { regionalServers } from './regional-servers.js';
import { proxyHeaders } from './proxy-header-names.js';

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
/** Methods that authenticate with the client secret; the others take none. */
const SECRET_METHODS: ReadonlySet<TokenEndpointAuthMethod> = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

/** Authorization-request parameters Tokenkeeper sets itself; `<NAME>_AUTHORIZATION_PARAMS` may not replace them. */
const RESERVED_AUTHORIZATION_PARAMS = new Set(['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'dpop_jkt']);

/** Tenant ids, realms: letters, digits and `.`, `_`, `-`. Domains: a host name. */
const TEMPLATE_VALUE_PATTERNS: Readonly<Record<Exclude<PresetValueName, 'baseUrl' | 'plcUrl' | 'audience'>, RegExp>> = {
  tenant: /^[A-Za-z0-9._-]{1,100}$/,
  realm: /^[A-Za-z0-9._-]{1,100}$/,
  // authentik's slugs: letters, digits, `-` and `_` (a Django slug field of at most 50).
  applicationSlug: /^[A-Za-z0-9_-]{1,50}$/,
  // Apple shows a team id as ten capital letters and digits.
  teamId: /^[A-Z0-9]{10}$/,
  // A region (us-east-1, us-gov-west-1), an underscore, and letters and digits, as Cognito writes a user pool id.
  userPoolId: /^[a-z]{2}(-[a-z]+)+-\d{1,2}_[A-Za-z0-9]{1,55}$/,
  domain: /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
  // A header value (RFC 9110 §10.1.5): printable ASCII, starting with a product name.
  userAgent: /^[!-~][ -~]{0,255}$/,
  // HighLevel's two token kinds, as its token endpoint spells them.
  userType: /^(Company|Location)$/,
  // An eBay RuName: letters, digits, `_`, `-` and `.`, as eBay makes them (`My_Name-MyApp-PRD-1a2b3c4d5-6e7f8a9b`).
  ruName: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/,
  // A PingOne environment id, a UUID as its admin console shows it.
  environmentId: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  // An app's API key, sent as a header value: letters, digits and the few marks keys are made of (Bungie.net's: 32 hex digits).
  apiKey: /^[A-Za-z0-9._~+/=-]{8,200}$/,
  // An Azure AD B2C user flow or custom policy, as the portal names them (B2C_1_signupsignin, B2C_1A_signup_signin).
  policy: /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/,
};

function definedOnly(value: Record<keyof ProviderEndpoints, string | undefined>): Partial<ProviderEndpoints> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined));
}

/** "the keycloak preset, from KEYCLOAK_BASE_URL and KEYCLOAK_REALM": what made a preset's discovery address, for messages. */
function presetMaker(presetName: string, prefix: string, values: PresetValues): string {
  const variables = (Object.keys(values) as PresetValueName[]).map((key) => `${prefix}_${PRESET_VALUE_VARIABLES[key]}`);
  const from = variables.length === 0 ? '' : `, from ${variables.length === 1 ? variables[0] : `${variables.slice(0, -1).join(', ')} and ${variables.at(-1)}`}`;
  return `the ${presetName} preset${from}`;
}

/** The `<NAME>_BASE_URL`, `_TENANT`… values of the preset, each checked, and each set one used by it. */
function presetValues(env: Environment, prefix: string, presetName: string | undefined, production: boolean): PresetValues {
  const wanted = presetName === undefined ? undefined : findPreset(presetName)?.values;
  const values: PresetValues = {};
  for (const [key, suffix] of Object.entries(PRESET_VALUE_VARIABLES) as Array<[PresetValueName, string]>) {
    const variable = `${prefix}_${suffix}`;
    const raw = env[variable]?.trim() || undefined;
    const need = wanted?.[key];
    if (raw === undefined) {
      if (need === 'required') throw new ConfigError(variable, `is missing (the ${presetName} preset needs it)`);
      if (need === 'issuer' && !env[`${prefix}_ISSUER`]?.trim() && !env[`${prefix}_SERVER_METADATA_URL`]?.trim()) {
        throw new ConfigError(variable, `is missing (the ${presetName} preset makes the issuer from it; or set ${prefix}_ISSUER)`);
      }
      continue;
    }
    if (!need) {
      throw new ConfigError(variable, presetName ? `is not used by the ${presetName} preset; remove it` : `is only used by a preset (${prefix}_PRESET) that takes it; remove it`);
    }
    if (key === 'baseUrl') {
      values.baseUrl = url(env, variable, production);
      const problem = values.baseUrl === undefined || presetName === undefined ? undefined : presetBaseUrlProblem(presetName, values.baseUrl, prefix);
      if (problem !== undefined) throw new ConfigError(variable, problem);
    }
    else if (key === 'plcUrl') values.plcUrl = url(env, variable, production);
    else if (key === 'audience') values.audience = raw;
    else if (!TEMPLATE_VALUE_PATTERNS[key].test(raw)) {
      const hostOnly = key === 'domain' && /^[a-z]+:\/\//i.test(raw) ? `; give the host name alone, e.g. ${raw.replace(/^[a-z]+:\/\//i, '').split('/')[0]}` : '';
      const poolId = key === 'userPoolId' ? '; a user pool id is its region, an underscore, then letters and digits, e.g. us-east-1_AbCdEf123' : '';
      if (key === 'ruName') throw new ConfigError(variable, `must be the app's RuName as eBay shows it on the User Tokens page: letters, digits, _, - and . (got "${raw}")`);
      if (key === 'environmentId') throw new ConfigError(variable, `must be the PingOne environment's id, a UUID as its admin console shows it, e.g. 5f8a1c2e-3b4d-4e6f-8a9b-0c1d2e3f4a5b (got "${raw}")`);
      if (key === 'apiKey') throw new ConfigError(variable, 'must be the API key as the provider shows it: 8 to 200 letters, digits, or . _ ~ + / = -');
      if (key === 'policy') throw new ConfigError(variable, `must be an Azure AD B2C user flow's or custom policy's name: letters, digits, _ and -, e.g. B2C_1_signupsignin (got "${raw}")`);
      if (key === 'userType') throw new ConfigError(variable, `must be Company or Location (got "${raw}")`);
      if (key === 'userAgent') throw new ConfigError(variable, 'must be printable ASCII of at most 256 characters, as a header is, e.g. server:my-app:v1 (by /u/my_username)');
      throw new ConfigError(variable, `is not a valid ${key} (got "${raw}")${hostOnly}${poolId}`);
    }
    else {
      const problem = key === 'domain' && presetName !== undefined ? presetDomainProblem(presetName, raw) : undefined;
      if (problem !== undefined) throw new ConfigError(variable, problem);
      values[key] = raw;
    }
  }
  return values;
}

function authorizationParams(raw: string | undefined, variable: string): Record<string, string> {
  if (raw === undefined) return {};
  const params: Record<string, string> = {};
  const example = 'write it as a query string, e.g. access_type=offline&hd=example.com';
  for (const pair of raw.split('&').filter(Boolean)) {
    if (!pair.includes('=')) throw new ConfigError(variable, `has "${pair}" without a value (${example})`);
    try {
      decodeURIComponent(pair.replaceAll('+', ' '));
    } catch {
      throw new ConfigError(variable, `has "${pair}", whose percent-encoding is broken (${example})`);
    }
  }
  for (const [name, value] of new URLSearchParams(raw)) {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new ConfigError(variable, `has an invalid parameter name "${name}" (${example})`);
    if (RESERVED_AUTHORIZATION_PARAMS.has(name)) throw new ConfigError(variable, `may not set ${name}: Tokenkeeper sets it`);
    params[name] = value;
  }
  return params;
}

/** A key file a variable names (resolved from `cwd`), or a ConfigError naming the variable and why it cannot be read. */
function readKeyFile(variable: string, file: string, cwd: string): string {
  try {
    return readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new ConfigError(variable, `cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'} (${file})`, { cause: error });
  }
}

/**
 * The private key for private_key_jwt or for a signed client secret (`usedFor` says which, for the messages),
 * read and checked now so a bad file stops start-up.
 */
function clientPrivateKey(env: Environment, prefix: string, cwd: string, usedFor: string, requiredAlgorithm?: string): ClientPrivateKey {
  const variable = `${prefix}_PRIVATE_KEY_FILE`;
  const file = env[variable]?.trim();
  if (!file) throw new ConfigError(variable, `is missing (${usedFor})`);
  const key = readKeyFile(variable, file, cwd);
  let algorithm: string;
  try {
    algorithm = signingAlgorithmOf(readClientPrivateKey(key));
  } catch (error) {
    throw new ConfigError(variable, `is not usable: ${(error as Error).message}`, { cause: error });
  }
  if (requiredAlgorithm !== undefined && algorithm !== requiredAlgorithm) {
    throw new ConfigError(variable, `holds a key that signs ${algorithm}; ${usedFor} needs ${requiredAlgorithm} (a P-256 EC key)`);
  }
  const keyId = env[`${prefix}_PRIVATE_KEY_ID`]?.trim();
  if (!keyId && requiredAlgorithm !== undefined) throw new ConfigError(`${prefix}_PRIVATE_KEY_ID`, `is missing (${usedFor} and names the key by this id)`);
  return keyId ? { key, keyId } : { key };
}

/** A `kid`: printable ASCII without spaces or quotes, as providers' registration forms and JWKS take it. */
const KEY_ID = /^[A-Za-z0-9._~+/=:-]{1,200}$/;

/**
 * The keys the provider encrypts ID tokens and userinfo answers to (`<NAME>_DECRYPTION_KEY_FILE`: one file, or
 * several comma-separated, newest first, while one is replaced), with their algorithm (`_ALG`) and, for a single
 * key, its id (`_ID`); empty when the variable is not set, and then neither may the others be.
 */
function clientDecryptionKeys(env: Environment, prefix: string, cwd: string): ClientDecryptionKey[] {
  const variable = `${prefix}_DECRYPTION_KEY_FILE`;
  const files = (env[variable] ?? '').split(',').map((file) => file.trim()).filter((file) => file !== '');
  const algorithm = env[`${prefix}_DECRYPTION_KEY_ALG`]?.trim() || undefined;
  const keyId = env[`${prefix}_DECRYPTION_KEY_ID`]?.trim() || undefined;
  if (files.length === 0) {
    for (const [suffix, value] of [['DECRYPTION_KEY_ALG', algorithm], ['DECRYPTION_KEY_ID', keyId]] as const) {
      if (value !== undefined) throw new ConfigError(`${prefix}_${suffix}`, `is only used with ${variable}; remove it`);
    }
    return [];
  }
  if (keyId !== undefined && !KEY_ID.test(keyId)) {
    throw new ConfigError(`${prefix}_DECRYPTION_KEY_ID`, `must be 1 to 200 letters, digits or . _ ~ + / = : - (got "${keyId}")`);
  }
  if (keyId !== undefined && files.length > 1) {
    throw new ConfigError(`${prefix}_DECRYPTION_KEY_ID`, `names one key, and ${variable} lists ${files.length}: remove it (each key is then named by the \`kid\` of its JWK file, or by its RFC 7638 thumbprint)`);
  }
  const keys = files.map((file) => {
    const text = readKeyFile(variable, file, cwd);
    try {
      return readDecryptionKey(text, algorithm, keyId);
    } catch (error) {
      if (error instanceof DecryptionAlgorithmError) throw new ConfigError(`${prefix}_DECRYPTION_KEY_ALG`, `does not fit ${file}: ${error.message}`, { cause: error });
      throw new ConfigError(variable, `is not usable: ${file}: ${(error as Error).message}`, { cause: error });
    }
  });
  const ids = keys.map((key) => key.keyId);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) throw new ConfigError(variable, `lists two keys named ${repeated}: the provider and the app tell keys apart by their ids`);
  return keys;
}

/**
 * The API base when `<NAME>_API_BASE_URL` is unset. A preset whose API is its
 * issuer (an Okta authorization server, a Keycloak realm, an Auth0 tenant)
 * follows `<NAME>_ISSUER` when that replaces the issuer: Okta's other
 * authorization servers (`https://{domain}/oauth2/{id}`) answer only their own
 * tokens at their own `/v1/userinfo`
 * (https://developer.okta.com/docs/concepts/auth-servers/).
 */
function defaultApiBase(fromPreset: PresetSettings, issuer: string | undefined): string | undefined {
  const presetIssuer = fromPreset.discovery && 'issuer' in fromPreset.discovery ? fromPreset.discovery.issuer : undefined;
  const { apiBaseUrl } = fromPreset;
  if (issuer === undefined || presetIssuer === undefined || apiBaseUrl === undefined) return apiBaseUrl;
  return withoutTrailingSlash(apiBaseUrl) === withoutTrailingSlash(presetIssuer) ? withoutTrailingSlash(issuer) : apiBaseUrl;
}

/**
 * A preset's user API on its own API (GitHub's `/user`, Discord's `/users/@me`,
 * Atlassian's `/me`, X's `/2/users/me`) moved to `<NAME>_API_BASE_URL`: the
 * profile is a call to that API like any other, with the same token, so it
 * goes where the proxied calls and GitHub's grant deletion go. Otherwise
 * the token of a GitHub stand-in (an Enterprise Server named by its endpoint
 * variables, a test emulator) would be sent to api.github.com. Undefined when
 * the preset's userinfo endpoint is not on its API.
 */
function userinfoOnConfiguredApi(fromPreset: PresetSettings, configuredApiBase: string | undefined): string | undefined {
  const presetUserinfo = fromPreset.endpoints?.userinfoEndpoint;
  if (configuredApiBase === undefined || presetUserinfo === undefined || fromPreset.apiBaseUrl === undefined) return undefined;
  const presetApi = `${withoutTrailingSlash(fromPreset.apiBaseUrl)}/`;
  return presetUserinfo.startsWith(presetApi) ? `${withoutTrailingSlash(configuredApiBase)}/${presetUserinfo.slice(presetApi.length)}` : undefined;
}

/**
 * A per-connection API rule whose domains take the host of `<NAME>_API_BASE_URL`
 * too: where the operator says the provider's API is (a sandbox, a stand-in),
 * the token answer may name that host for a connection.
 */
function withConfiguredApiHost(rule: NonNullable<PresetSettings['connectionApiBase']>, configuredApiBase: string | undefined): NonNullable<PresetSettings['connectionApiBase']> {
  if (configuredApiBase === undefined || !('domains' in rule)) return rule;
  const host = new URL(configuredApiBase).hostname;
  return rule.domains.includes(host) ? rule : { ...rule, domains: [...rule.domains, host] };
}

/** The longest idle lifetime `<NAME>_REFRESH_TOKEN_IDLE_DAYS` takes: five years, Okta's longest setting. */
const MAX_REFRESH_TOKEN_IDLE_DAYS = 1825;

/**
 * `<NAME>_REFRESH_TOKEN_IDLE_DAYS` over the preset's idle lifetime: a whole
 * number of days, `0` for none. Undefined when neither says one.
 */
function refreshTokenIdleSeconds(raw: string | undefined, variable: string, fromPreset: number | undefined): number | undefined {
  if (raw === undefined) return fromPreset !== undefined && fromPreset > 0 ? fromPreset : undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > MAX_REFRESH_TOKEN_IDLE_DAYS) {
    throw new ConfigError(variable, `must be a whole number of days from 0 (refresh tokens never idle out) to ${MAX_REFRESH_TOKEN_IDLE_DAYS} (got "${raw}")`);
  }
  const days = Number(raw);
  return days === 0 ? undefined : days * 86_400;
}

/**
 * One provider's settings from its `<NAME>_…` variables over its preset
 * (if any). Every endpoint variable wins over the preset and over what
 * discovery finds; a variable that is set but would not be used stops
 * start-up, as does anything malformed. `baseUrl` is the app's (its
 * callbacks are under it); `registeredCallback` is a library host's callback
 * route, which a preset that registers the app at each server registers in
 * place of the app's (`<NAME>_REDIRECT_URI` in messages), and
 * `registeredDocument` the host's route serving its client metadata document,
 * by which such a preset may be known at a server in place of registering
 * (`<NAME>_CLIENT_METADATA_URL` in messages).
 */
export function providerSettings(env: Environment, name: string, production: boolean, cwd = process.cwd(), baseUrl?: URL, registeredCallback?: URL, registeredDocument?: URL): ProviderSettings {
  const prefix = name.toUpperCase();
  const v = (suffix: string) => env[`${prefix}_${suffix}`]?.trim() || undefined;
  const presetName = v('PRESET')?.toLowerCase();
  const preset = presetName === undefined ? undefined : findPreset(presetName);
  if (presetName !== undefined && !preset) {
    throw new ConfigError(`${prefix}_PRESET`, `names no known preset (got "${v('PRESET')}"; known: ${Object.keys(PROVIDER_PRESETS).join(', ')})`);
  }
  const values = presetValues(env, prefix, presetName, production);
  const configuredClientId = v('CLIENT_ID');
  const fromPreset = preset?.settings(values, { clientId: configuredClientId ?? '' }) ?? {};

  // A client whose id is the URL of its metadata document (AT Protocol's): the app serves it under BASE_URL, and a
  // library's host, without a BASE_URL, says where it serves it.
  const metadataDocument = fromPreset.clientIdMetadataDocument === true;
  if (metadataDocument && configuredClientId !== undefined && !isMetadataDocumentUrl(configuredClientId, production)) {
    throw new ConfigError(
      `${prefix}_CLIENT_ID`,
      `must be the ${production ? 'https ' : ''}URL the client metadata document is served at, or unset to serve it at <BASE_URL>/auth/${name}/client-metadata.json (got "${configuredClientId}")`,
    );
  }
  if (metadataDocument && configuredClientId === undefined && baseUrl === undefined) {
    throw new ConfigError(`${prefix}_CLIENT_ID`, `is missing: the ${presetName} preset's client id is the URL your app serves its client metadata document at`);
  }
  // A preset that registers the app at each server people sign in at (Mastodon's): no client of its own to configure.
  const registers = fromPreset.hooks?.registerClient !== undefined;
  if (registers) {
    const registersWhy = `the ${presetName} preset registers this app at each server people sign in at`;
    for (const suffix of ['CLIENT_ID', 'CLIENT_SECRET', 'TOKEN_ENDPOINT_AUTH_METHOD', 'PRIVATE_KEY_FILE']) {
      if (v(suffix) !== undefined) throw new ConfigError(`${prefix}_${suffix}`, `is not used: ${registersWhy}, with the client each gives it; remove it`);
    }
    if (baseUrl === undefined && registeredCallback === undefined) {
      throw new ConfigError(`${prefix}_REDIRECT_URI`, `is missing: ${registersWhy}, with the absolute URL of the callback route it sends them back to`);
    }
  } else if (registeredCallback !== undefined) {
    throw new ConfigError(`${prefix}_REDIRECT_URI`, `is not used: only a preset that registers the app at each server people sign in at (fediverse) takes its callback here; give it to each sign-in's start; remove it`);
  }
  if (!metadataDocument && !registers && !configuredClientId) throw new ConfigError(`${prefix}_CLIENT_ID`, `is missing (OAUTH_PROVIDERS lists "${name}")`);
  const { signedClientSecret } = fromPreset;
  // A preset whose client secret is signed here (Apple) takes the key instead of a secret and a method.
  const signs = `the ${presetName} preset signs its client secret with ${prefix}_PRIVATE_KEY_FILE`;
  if (signedClientSecret && v('TOKEN_ENDPOINT_AUTH_METHOD')) throw new ConfigError(`${prefix}_TOKEN_ENDPOINT_AUTH_METHOD`, `is not used: ${signs}; remove it`);
  const authMethod = (v('TOKEN_ENDPOINT_AUTH_METHOD') ?? fromPreset.tokenEndpointAuthMethod ?? 'client_secret_basic') as TokenEndpointAuthMethod;
  if (!AUTH_METHODS.includes(authMethod)) {
    throw new ConfigError(`${prefix}_TOKEN_ENDPOINT_AUTH_METHOD`, `must be one of ${AUTH_METHODS.join(', ')} (got "${authMethod}")`);
  }
  const clientSecret = v('CLIENT_SECRET');
  if (signedClientSecret && clientSecret) throw new ConfigError(`${prefix}_CLIENT_SECRET`, `is not used: ${signs}; remove it`);
  if (!signedClientSecret && !registers && SECRET_METHODS.has(authMethod) && !clientSecret) {
    throw new ConfigError(`${prefix}_CLIENT_SECRET`, `is missing (OAUTH_PROVIDERS lists "${name}"; ${authMethod} needs it)`);
  }
  // A preset that sends the secret with every API call (Etsy's x-api-key) needs it whatever the token endpoint takes.
  const { clientCredentialsHeader } = fromPreset;
  if (clientCredentialsHeader && !clientSecret) {
    throw new ConfigError(`${prefix}_CLIENT_SECRET`, `is missing (the ${presetName} preset sends it with the client id in ${clientCredentialsHeader} on every API call)`);
  }
  if (!SECRET_METHODS.has(authMethod) && clientSecret && !clientCredentialsHeader) {
    throw new ConfigError(`${prefix}_CLIENT_SECRET`, `is not used with ${prefix}_TOKEN_ENDPOINT_AUTH_METHOD=${authMethod}; remove it`);
  }
  if (metadataDocument && authMethod !== 'none' && authMethod !== 'private_key_jwt') {
    throw new ConfigError(`${prefix}_TOKEN_ENDPOINT_AUTH_METHOD`, `must be none or private_key_jwt: the ${presetName} preset's client has no secret, its id being the URL of its metadata document (got "${authMethod}")`);
  }
  if (metadataDocument && authMethod === 'private_key_jwt' && configuredClientId === undefined && baseUrl !== undefined && isLoopbackBaseUrl(baseUrl)) {
    throw new ConfigError(
      `${prefix}_TOKEN_ENDPOINT_AUTH_METHOD`,
      `is private_key_jwt, which needs a client metadata document the provider can fetch, and BASE_URL (${baseUrl.origin}) is a loopback address, whose development client authenticates with none; remove it, or set BASE_URL to the app's public https origin`,
    );
  }
  const privateKey = signedClientSecret
    ? clientPrivateKey(env, prefix, cwd, signs, 'ES256')
    : authMethod === 'private_key_jwt'
      ? metadataDocument
        ? clientPrivateKey(env, prefix, cwd, `the ${presetName} preset publishes the key of its private_key_jwt in its client metadata document`, 'ES256')
        : clientPrivateKey(env, prefix, cwd, `${prefix}_TOKEN_ENDPOINT_AUTH_METHOD is private_key_jwt`)
      : undefined;
  for (const suffix of ['PRIVATE_KEY_FILE', 'PRIVATE_KEY_ID']) {
    if (!privateKey && v(suffix)) throw new ConfigError(`${prefix}_${suffix}`, `is only used with ${prefix}_TOKEN_ENDPOINT_AUTH_METHOD=private_key_jwt; remove it`);
  }
  const decryptionKeys = clientDecryptionKeys(env, prefix, cwd);

  const metadataUrl = url(env, `${prefix}_SERVER_METADATA_URL`, production);
  const issuer = url(env, `${prefix}_ISSUER`, production);
  const overrides = definedOnly({
    authorizationEndpoint: url(env, `${prefix}_AUTHORIZE_URL`, production),
    tokenEndpoint: url(env, `${prefix}_ACCESS_TOKEN_URL`, production),
    userinfoEndpoint: url(env, `${prefix}_USERINFO_URL`, production),
    revocationEndpoint: url(env, `${prefix}_REVOCATION_URL`, production),
    refreshEndpoint: url(env, `${prefix}_REFRESH_URL`, production),
    jwksUri: url(env, `${prefix}_JWKS_URL`, production),
  });
  // A preset that revokes its own way through the API (GitHub's grant deletion, Dropbox's API call) would never send
  // to it; one whose hook posts to a revocation endpoint of its own (Zoom's, Twitch's) takes it in place of that endpoint.
  const presetRevocationEndpoint = fromPreset.metadataOverrides?.revocationEndpoint ?? fromPreset.endpoints?.revocationEndpoint;
  if (overrides.revocationEndpoint && fromPreset.hooks?.revoke && !presetRevocationEndpoint) {
    throw new ConfigError(
      `${prefix}_REVOCATION_URL`,
      `is not used: the ${presetName} preset revokes through the provider's API (${prefix}_API_BASE_URL), not an RFC 7009 endpoint; remove it, or point ${prefix}_API_BASE_URL elsewhere`,
    );
  }
  const configuredApiBase = url(env, `${prefix}_API_BASE_URL`, production);
  if (metadataUrl && issuer) {
    throw new ConfigError(`${prefix}_ISSUER`, `is set with ${prefix}_SERVER_METADATA_URL: set one of them (the metadata URL names the issuer)`);
  }

  // A preset that finds its authorization server at run time (an MCP server's metadata names it) has none to set.
  if (fromPreset.hooks?.authorizationServerMetadata && (issuer || metadataUrl)) {
    throw new ConfigError(issuer ? `${prefix}_ISSUER` : `${prefix}_SERVER_METADATA_URL`, `is not used: the ${presetName} preset finds its authorization server in the metadata of ${prefix}_BASE_URL; remove it`);
  }
  let discovery: ProviderSettings['discovery'];
  let endpoints: ProviderSettings['endpoints'];
  let metadataOverrides: Partial<ProviderEndpoints> | undefined;
  if (metadataUrl) {
    discovery = { metadataUrl };
    metadataOverrides = overrides;
  } else if (fromPreset.endpoints) {
    // A preset without discovery (GitHub): each variable replaces one of its endpoints, or the issuer.
    const userinfoEndpoint = userinfoOnConfiguredApi(fromPreset, configuredApiBase);
    endpoints = { ...fromPreset.endpoints, ...(issuer ? { issuer } : {}), ...(userinfoEndpoint ? { userinfoEndpoint } : {}), ...overrides };
  } else if (issuer && overrides.authorizationEndpoint && overrides.tokenEndpoint && !fromPreset.discovery) {
    // A server without discovery that names itself in its redirects (RFC 9207).
    endpoints = { issuer, ...overrides } as ProviderSettings['endpoints'];
  } else if (issuer || fromPreset.discovery) {
    // An issuer in place of the preset's is read where the preset's is (RFC 8414's well-known path, or OpenID's).
    const wellKnown = fromPreset.discovery?.wellKnown;
    discovery = issuer ? { issuer, ...(wellKnown ? { wellKnown } : {}) } : fromPreset.discovery && { ...fromPreset.discovery, madeBy: presetMaker(presetName!, prefix, values) };
    metadataOverrides = { ...fromPreset.metadataOverrides, ...overrides };
  } else if (overrides.authorizationEndpoint || overrides.tokenEndpoint) {
    if (!overrides.authorizationEndpoint) throw new ConfigError(`${prefix}_AUTHORIZE_URL`, `is missing (${prefix}_ACCESS_TOKEN_URL is set; give both, or ${prefix}_ISSUER for discovery)`);
    if (!overrides.tokenEndpoint) throw new ConfigError(`${prefix}_ACCESS_TOKEN_URL`, `is missing (${prefix}_AUTHORIZE_URL is set; give both, or ${prefix}_ISSUER for discovery)`);
    endpoints = overrides as ProviderSettings['endpoints'];
  } else {
    throw new ConfigError(
      `${prefix}_ISSUER`,
      `is missing: set ${prefix}_ISSUER or ${prefix}_SERVER_METADATA_URL (OpenID discovery), or ${prefix}_AUTHORIZE_URL and ${prefix}_ACCESS_TOKEN_URL, or ${prefix}_PRESET`,
    );
  }

  const scope = v('SCOPE') ?? fromPreset.scope ?? (discovery ? 'openid profile email' : '');
  // A preset whose provider's ID tokens go unused (idTokenUnused) asks for `openid` without needing their keys.
  if (endpoints && !endpoints.jwksUri && !fromPreset.idTokenUnused && scope.split(' ').includes('openid')) {
    throw new ConfigError(
      `${prefix}_JWKS_URL`,
      `is missing: the scope asks for an ID token (openid), whose signature is checked with the provider's keys; set ${prefix}_JWKS_URL, or use discovery (${prefix}_ISSUER)`,
    );
  }
  const apiBaseUrl = configuredApiBase ?? defaultApiBase(fromPreset, issuer);
  const extraParams = authorizationParams(v('AUTHORIZATION_PARAMS'), `${prefix}_AUTHORIZATION_PARAMS`);
  const params = { ...fromPreset.authorizationParams, ...extraParams };
  const extraBases = extraApiBaseUrls(v('EXTRA_API_BASE_URLS'), prefix, production, fromPreset.extraApiBaseUrls);
  if (extraBases && !apiBaseUrl && !fromPreset.connectionApiBase) {
    throw new ConfigError(`${prefix}_EXTRA_API_BASE_URLS`, `is not used without an API base (${prefix}_API_BASE_URL): set that too, or remove it`);
  }
  const servers = regionalServers(v('REGIONAL_SERVERS'), prefix, production, fromPreset.regionalServers, fromPreset.hooks?.codeExchangeServer !== undefined);
  const proxyHeaderNames = proxyHeaders({ request: v('PROXY_REQUEST_HEADERS'), response: v('PROXY_RESPONSE_HEADERS') }, prefix, fromPreset.proxyHeaders);
  const idleSeconds = refreshTokenIdleSeconds(v('REFRESH_TOKEN_IDLE_DAYS'), `${prefix}_REFRESH_TOKEN_IDLE_DAYS`, fromPreset.refreshTokenIdleSeconds);
  const signOutAtProvider = onOrOff(env, `${prefix}_SIGN_OUT_AT_PROVIDER`, false);
  const dpop = onOrOff(env, `${prefix}_DPOP`, fromPreset.dpop ?? false);
  const par = onOrOff(env, `${prefix}_PAR`, fromPreset.pushedAuthorizationRequests ?? false);
  if (par && !discovery) {
    throw new ConfigError(`${prefix}_PAR`, `needs OpenID discovery (${prefix}_ISSUER or ${prefix}_SERVER_METADATA_URL), whose document names the pushed_authorization_request_endpoint; remove it, or set one of those`);
  }
  // RFC 9449 §7.1: a bound token goes in the Authorization header, with its proof; an API that takes it elsewhere cannot check one.
  if (dpop && (fromPreset.accessTokenParameter || fromPreset.accessTokenHeader || fromPreset.apiTokenScheme || fromPreset.userinfoTokenScheme || fromPreset.userinfoTokenInForm)) {
    throw new ConfigError(`${prefix}_DPOP`, `cannot be on with the ${presetName} preset, whose API takes the access token elsewhere than as Authorization: Bearer; remove it`);
  }
  const connectOnly = onOrOff(env, `${prefix}_CONNECT_ONLY`, fromPreset.connectOnly ?? false);
  if (fromPreset.connectOnly && !connectOnly) {
    throw new ConfigError(`${prefix}_CONNECT_ONLY`, `cannot be off with the ${presetName} preset, whose provider says nothing of who the person is: it is only connected to a signed-in user; remove it`);
  }
  if (signOutAtProvider && !discovery) {
    // RFC 8414 has no end_session_endpoint: only an OpenID provider's discovery document names one.
    throw new ConfigError(`${prefix}_SIGN_OUT_AT_PROVIDER`, `needs OpenID discovery (${prefix}_ISSUER or ${prefix}_SERVER_METADATA_URL), whose document names the end_session_endpoint; remove it, or set one of those`);
  }

  const clientId = registers ? REGISTERED_AT_EACH_SERVER : metadataDocument && configuredClientId === undefined ? metadataDocumentClientId(baseUrl!, name, scope) : configuredClientId!;
  const callback = registeredCallback ?? (baseUrl && new URL(appCallbackUrl(baseUrl, name)));
  // The document the app serves under BASE_URL, or a library's host at the route it names, at an address a server can fetch.
  if (registeredDocument !== undefined && !(registers && fromPreset.registersByMetadataDocument)) {
    throw new ConfigError(`${prefix}_CLIENT_METADATA_URL`, `is not used: only a preset known at each server by the app's client metadata document (mcp) takes it; remove it`);
  }
  const servedUnderBaseUrl = !registeredCallback && baseUrl && (baseUrl.protocol === 'https:' || !production) ? clientMetadataDocumentUrl(baseUrl, name) : undefined;
  const documentUrl = fromPreset.registersByMetadataDocument ? (registeredDocument?.href ?? servedUnderBaseUrl) : undefined;
  const clientRegistration = registers && callback ? { redirectUri: callback.href, clientName: callback.host, website: callback.origin, ...(documentUrl ? { metadataDocumentUrl: documentUrl } : {}) } : undefined;

  return {
    name,
    displayName: v('DISPLAY_NAME') ?? preset?.displayName ?? name.charAt(0).toUpperCase() + name.slice(1),
    clientId,
    clientSecret: clientSecret ?? '',
    tokenEndpointAuthMethod: authMethod,
    ...(privateKey ? { privateKey } : {}),
    ...(decryptionKeys.length > 0 ? { decryptionKeys } : {}),
    ...(signedClientSecret ? { signedClientSecret } : {}),
    ...(fromPreset.basicCredentials ? { basicCredentials: fromPreset.basicCredentials } : {}),
    ...(discovery ? { discovery } : {}),
    ...(metadataOverrides && Object.keys(metadataOverrides).length > 0 ? { metadataOverrides } : {}),
    ...(endpoints ? { endpoints } : {}),
    ...(servers ? { regionalServers: servers } : {}),
    scope,
    ...(apiBaseUrl ? { apiBaseUrl } : {}),
    ...(fromPreset.apiHeaders ? { apiHeaders: fromPreset.apiHeaders } : {}),
    ...(fromPreset.fixedApiHeaders ? { fixedApiHeaders: fromPreset.fixedApiHeaders } : {}),
    ...(fromPreset.apiQueryParameters ? { apiQueryParameters: fromPreset.apiQueryParameters } : {}),
    ...(fromPreset.clientIdHeader ? { clientIdHeader: fromPreset.clientIdHeader } : {}),
    ...(clientCredentialsHeader ? { clientCredentialsHeader } : {}),
    ...(fromPreset.accessTokenHeader ? { accessTokenHeader: fromPreset.accessTokenHeader } : {}),
    ...(fromPreset.accessTokenParameter ? { accessTokenParameter: fromPreset.accessTokenParameter } : {}),
    ...(fromPreset.apiTokenScheme ? { apiTokenScheme: fromPreset.apiTokenScheme } : {}),
    ...(fromPreset.tokenProofParameter ? { tokenProofParameter: fromPreset.tokenProofParameter } : {}),
    ...(fromPreset.successMayRejectToken ? { successMayRejectToken: true } : {}),
    ...(extraBases ? { extraApiBaseUrls: extraBases } : {}),
    ...(proxyHeaderNames ? { proxyHeaders: proxyHeaderNames } : {}),
    ...(fromPreset.connectionApiBase ? { connectionApiBase: withConfiguredApiHost(fromPreset.connectionApiBase, configuredApiBase) } : {}),
    ...(Object.keys(params).length > 0 ? { authorizationParams: params } : {}),
    ...(fromPreset.redirectUriSent ? { redirectUriSent: fromPreset.redirectUriSent } : {}),
    ...(fromPreset.incrementalAuthorizationParams ? { incrementalAuthorizationParams: fromPreset.incrementalAuthorizationParams } : {}),
    refreshTokenNeedsConsent: fromPreset.refreshTokenNeedsConsent ?? scope.split(' ').includes('offline_access'),
    ...(idleSeconds !== undefined ? { refreshTokenIdleSeconds: idleSeconds } : {}),
    ...(signOutAtProvider ? { signOutAtProvider } : {}),
    ...(connectOnly ? { connectOnly: true } : {}),
    ...(dpop ? { dpop } : {}),
    ...(par ? { pushedAuthorizationRequests: true } : {}),
    ...(metadataDocument ? { clientIdMetadataDocument: true } : {}),
    ...(clientRegistration ? { clientRegistration } : {}),
    ...(fromPreset.accountPrompt ? { accountPrompt: fromPreset.accountPrompt } : {}),
    ...(fromPreset.skipUserinfo ? { skipUserinfo: true } : {}),
    ...(fromPreset.userinfoByIntrospection ? { userinfoByIntrospection: true } : {}),
    ...(fromPreset.userinfoPostJson ? { userinfoPostJson: fromPreset.userinfoPostJson } : {}),
    ...(fromPreset.userinfoTokenScheme ? { userinfoTokenScheme: fromPreset.userinfoTokenScheme } : {}),
    ...(fromPreset.userinfoTokenInForm ? { userinfoTokenInForm: true } : {}),
    ...(fromPreset.pkce === false || fromPreset.pkce === 'plain' ? { pkce: fromPreset.pkce } : {}),
    ...(fromPreset.stateAtCodeExchange ? { stateAtCodeExchange: true } : {}),
    ...(fromPreset.refreshSendsRedirectUri ? { refreshSendsRedirectUri: true } : {}),
    ...(fromPreset.callbackParametersResent ? { callbackParametersResent: fromPreset.callbackParametersResent } : {}),
    ...(fromPreset.sameRefusalForClientAndGrant ? { sameRefusalForClientAndGrant: true } : {}),
    ...(fromPreset.tokenRequestsSendScope ? { tokenRequestsSendScope: true } : {}),
    ...(fromPreset.tokenRequestsInQuery ? { tokenRequestsInQuery: true } : {}),
    ...(fromPreset.idTokenNonce === false ? { idTokenNonce: false } : {}),
    ...(fromPreset.idTokenUnused ? { idTokenUnused: true } : {}),
    ...(fromPreset.clientAssertionAudience ? { clientAssertionAudience: fromPreset.clientAssertionAudience } : {}),
    ...(fromPreset.omitsTokenType ? { omitsTokenType: true } : {}),
    ...(fromPreset.subjectClaim ? { subjectClaim: fromPreset.subjectClaim } : {}),
    ...(fromPreset.idTokenSubjectClaim ? { idTokenSubjectClaim: fromPreset.idTokenSubjectClaim } : {}),
    ...(fromPreset.claimNames ? { claimNames: fromPreset.claimNames } : {}),
    ...(fromPreset.hooks ? { hooks: fromPreset.hooks } : {}),
    ...(fromPreset.publicAddressesOnly ? { publicAddressesOnly: true } : {}),
    allowInsecureHttp: !production,
  };
}
