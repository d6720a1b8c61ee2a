import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCaBundle } from '../client/outbound-fetch.js';
import type { ProviderSettings } from '../client/provider-settings.js';
import { DEV_PROVIDER_CLIENT_ID, DEV_PROVIDER_CLIENT_SECRET, DEV_PROVIDER_SCOPE } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import type { Environment } from '../config/env-file.js';
import { url } from '../config/env-values.js';
import { providerSettings } from '../config/provider-config.js';
import { webhookSigningKeys } from '../config/webhook-config.js';
import type { CoreConfig } from '../core/tokenkeeper.js';
import { parseDatabaseUrl } from '../db/database.js';
import { parseEncryptionKeys } from '../db/token-cipher.js';
import type { FromEnvOptions, LibraryOptions } from './create-tokenkeeper.js';

/**
 * One provider, as the `<NAME>_…` variables of `tokenkeeper serve` describe
 * it (README, "Providers"), each variable an option: `GITHUB_CLIENT_ID` is
 * `providers.github.clientId`. The same rules apply: a preset fills in what
 * it knows, any endpoint given wins over it and over discovery, and an
 * option that would not be used is an error.
 */
export interface ProviderOptions {
  /** A preset's name: github, google, microsoft, gitlab, keycloak, okta… (README lists them). */
  preset?: string;
  /** Needed by every provider but one that registers the app at each server (fediverse), which refuses it. */
  clientId?: string;
  /** Needed by the client_secret_* methods, refused by the others. */
  clientSecret?: string;
  displayName?: string;
  /** OpenID discovery at `<issuer>/.well-known/openid-configuration`. */
  issuer?: string;
  /** Discovery at this exact URL instead (RFC 8414 or OpenID). */
  serverMetadataUrl?: string;
  authorizeUrl?: string;
  accessTokenUrl?: string;
  userinfoUrl?: string;
  revocationUrl?: string;
  /** Where refreshes go, for a provider with a refresh endpoint beside its token endpoint (Figma's `/v1/oauth/refresh`); default: the preset's, else the token endpoint. */
  refreshUrl?: string;
  jwksUrl?: string;
  /** Space-separated; default: the preset's, else `openid profile email` with discovery. */
  scope?: string;
  /** Where `fetch(user, provider, path)` sends `path`. */
  apiBaseUrl?: string;
  /**
   * Other API bases the token may go to, called with an absolute URL
   * (`fetch(user, 'dropbox', 'https://content.dropboxapi.com/2/files/download')`);
   * `https://*.example.com` stands for any one-label host under that domain. Added to the preset's.
   */
  extraApiBaseUrls?: readonly string[];
  /**
   * The provider's servers per region whose people's sign-ins it finishes there (zoho: its accounts servers, e.g.
   * `['https://accounts.zoho.eu']`), in place of the preset's list (every data centre Zoho documents).
   */
  regionalServers?: readonly string[];
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';
  /**
   * For a preset that registers the app at each server people sign in at (fediverse), which has no client of its
   * own: the absolute URL of your callback route, which it registers at each server, with its host as the app's
   * name (`https://app.example.com/auth/fediverse/callback`). Each sign-in's start gives the same URL. Refused by
   * every other preset.
   */
  redirectUri?: string;
  /**
   * For the `mcp` preset: the absolute URL (https in production) of your route that serves `signIn.clientMetadata(provider,
   * { redirectUri })`, the app's client metadata document (tokenkeeper/fastify serves it at
   * `<prefix>/<provider>/client-metadata.json`). An MCP server's authorization server that takes Client ID Metadata
   * Documents then knows the app by this URL as its client id, with no registration; without it, the app registers
   * there (RFC 7591), and a server that takes only documents cannot be connected. Refused by every other preset.
   */
  clientMetadataUrl?: string;
  /** PEM file of the key for private_key_jwt. */
  privateKeyFile?: string;
  privateKeyId?: string;
  /**
   * PEM file (or a private JWK) of the key the provider encrypts ID tokens and userinfo answers to, for a client
   * registered with `id_token_encrypted_response_alg`: RSA of 2048 bits or more, or EC P-256; while one key replaces
   * another, several paths comma-separated, newest first. Its public half is `signIn.clientJwks(provider)`.
   */
  decryptionKeyFile?: string;
  /** The `kid` of a single decryption key (default: a JWK file's own `kid`, else the key's RFC 7638 thumbprint). */
  decryptionKeyId?: string;
  /** The key management algorithm the provider encrypts with: RSA-OAEP-256 (an RSA key's default), RSA-OAEP…; ECDH-ES (an EC key's default), ECDH-ES+A256KW… */
  decryptionKeyAlg?: string;
  /** Extra authorization request parameters, e.g. `{ hd: 'example.com' }`. */
  authorizationParams?: Record<string, string>;
  /** Values some presets take: a self-hosted base URL (gitlab, keycloak, pingam, logto, authelia, kanidm, dex, casdoor, ory, duende, pocketid), tenant (microsoft, asgardeo), realm (keycloak, pingam), domain (okta, auth0, cognito, onelogin, pingone, kinde, stytch), audience (auth0), team id (apple), user pool id (cognito), application slug (authentik), user type (highlevel), RuName (ebay), environment id (pingone). */
  baseUrl?: string;
  tenant?: string;
  realm?: string;
  domain?: string;
  audience?: string;
  /** The Apple developer team that signs the apple preset's client secret, with `privateKeyFile` and `privateKeyId`. */
  teamId?: string;
  /** The Amazon Cognito user pool (`us-east-1_AbCdEf123`) whose issuer the cognito preset makes. */
  userPoolId?: string;
  /** The User-Agent, with the makers' contact, that the reddit and basecamp presets send on every request in place of theirs. */
  userAgent?: string;
  /** The slug of the authentik application whose OAuth2 provider the authentik preset signs in with. */
  applicationSlug?: string;
  /** The kind of token the highlevel preset asks for, `Location` (the default) or `Company`, as the app's distribution is. */
  userType?: string;
  /** The RuName the ebay preset sends as `redirect_uri`, the name eBay gives the callback registered on the app's User Tokens page. */
  ruName?: string;
  /** The PingOne environment whose issuer the pingone preset makes (`https://auth.pingone.<region>/<environment id>/as`). */
  environmentId?: string;
  /** The API key issued to the application beside its client, which the bungie preset sends as `X-API-Key` and the enphase preset as the `key` query parameter on every API call. */
  apiKey?: string;
  /** The Azure AD B2C user flow or custom policy (`B2C_1_signupsignin`) whose endpoints the azure_ad_b2c preset signs in at. */
  policy?: string;
  /** The PLC directory the bluesky preset reads `did:plc` documents from (default `https://plc.directory`). */
  plcUrl?: string;
  /**
   * Days a refresh token may go unused before the provider ends it, instead of
   * the preset's (okta 7, keycloak 30, microsoft and atlassian 90, google 180);
   * 0: it never idles out. The keep-alive sweep (`refreshKeepalive`) refreshes
   * by it.
   */
  refreshTokenIdleDays?: number;
  /**
   * True: the provider is only connected to a user already signed in (`signIn.start` with `user`), never signed in
   * with, and the connection's subject is that user's id: for a provider that says nothing of who the person is.
   * Default: the preset's (a connect-only preset's, such as `mcp`'s or `sonos`'s, cannot be turned off).
   */
  connectOnly?: boolean;
}

/** Options of createTokenkeeper. */
export interface TokenkeeperOptions {
  /** `sqlite:./data/app.db`, `sqlite::memory:` or `postgres://user:password@host/db`. */
  database: string;
  /** Base64 32-byte keys, newest first (`npx tokenkeeper keys generate` prints one): an array, or one comma-separated string. */
  encryptionKeys: string | readonly string[];
  /** Providers by the name your routes use (lower-case letters, digits and _). */
  providers: Readonly<Record<string, ProviderOptions>>;
  /** Apply pending database migrations when opening (default true). */
  migrate?: boolean;
  /** Refuse plain-http provider URLs (default: NODE_ENV is production). */
  production?: boolean;
  /** getAccessToken refreshes tokens expiring within this many seconds (default 60, capped at half a token's lifetime). */
  refreshLeewaySeconds?: number;
  /** Each request to a provider gives up after this long (default 10). */
  providerTimeoutSeconds?: number;
  /** An extra trusted CA bundle (PEM file) for the providers' TLS. */
  caFile?: string;
  /**
   * Keep idle refresh tokens alive from this process, as `tokenkeeper serve`
   * does (README, "How tokens stay fresh"): about once an hour, connections
   * whose refresh token would end unused are refreshed, each once, however
   * many processes sweep (default true). False: only keepRefreshTokensAlive()
   * sweeps, e.g. from a scheduled job, or where `serve` on the same database
   * sweeps already.
   */
  refreshKeepalive?: boolean;
  /**
   * Where connection.* and user.deleted webhooks go (Standard Webhooks; README, Webhooks): sent from this process and any server on the same database, each message once.
   * `secret` is a `whsec_` secret, or, while it is being changed, the new one and then the old one (a list, or comma-separated): every request is signed under each.
   */
  webhooks?: { urls: readonly string[]; secret: string | readonly string[] };
}

const PROVIDER_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/** Each option's variable suffix: `clientId` is `<NAME>_CLIENT_ID`. */
const PROVIDER_OPTION_VARIABLES: Readonly<Record<Exclude<keyof ProviderOptions, 'authorizationParams' | 'refreshTokenIdleDays' | 'connectOnly' | 'redirectUri' | 'clientMetadataUrl' | ListOption>, string>> = {
  preset: 'PRESET',
  clientId: 'CLIENT_ID',
  clientSecret: 'CLIENT_SECRET',
  displayName: 'DISPLAY_NAME',
  issuer: 'ISSUER',
  serverMetadataUrl: 'SERVER_METADATA_URL',
  authorizeUrl: 'AUTHORIZE_URL',
  accessTokenUrl: 'ACCESS_TOKEN_URL',
  userinfoUrl: 'USERINFO_URL',
  revocationUrl: 'REVOCATION_URL',
  refreshUrl: 'REFRESH_URL',
  jwksUrl: 'JWKS_URL',
  scope: 'SCOPE',
  apiBaseUrl: 'API_BASE_URL',
  tokenEndpointAuthMethod: 'TOKEN_ENDPOINT_AUTH_METHOD',
  privateKeyFile: 'PRIVATE_KEY_FILE',
  privateKeyId: 'PRIVATE_KEY_ID',
  decryptionKeyFile: 'DECRYPTION_KEY_FILE',
  decryptionKeyId: 'DECRYPTION_KEY_ID',
  decryptionKeyAlg: 'DECRYPTION_KEY_ALG',
  baseUrl: 'BASE_URL',
  tenant: 'TENANT',
  realm: 'REALM',
  domain: 'DOMAIN',
  audience: 'AUDIENCE',
  teamId: 'TEAM_ID',
  userPoolId: 'USER_POOL_ID',
  userAgent: 'USER_AGENT',
  applicationSlug: 'APPLICATION_SLUG',
  userType: 'USER_TYPE',
  ruName: 'RUNAME',
  environmentId: 'ENVIRONMENT_ID',
  apiKey: 'X_API_KEY',
  policy: 'POLICY',
  plcUrl: 'PLC_URL',
};

/** The options that are lists of URLs, each a comma-separated variable: its suffix, and an example for the message. */
type ListOption = 'extraApiBaseUrls' | 'regionalServers';
const LIST_OPTIONS: Readonly<Record<ListOption, { suffix: string; example: string }>> = {
  extraApiBaseUrls: { suffix: 'EXTRA_API_BASE_URLS', example: 'https://content.dropboxapi.com' },
  regionalServers: { suffix: 'REGIONAL_SERVERS', example: 'https://accounts.zoho.eu' },
};

const OPTION_OF_SUFFIX = new Map<string, string>([
  ...Object.entries(PROVIDER_OPTION_VARIABLES).map(([option, suffix]) => [suffix, option] as [string, string]),
  ['AUTHORIZATION_PARAMS', 'authorizationParams'],
  ['REFRESH_TOKEN_IDLE_DAYS', 'refreshTokenIdleDays'],
  ['CONNECT_ONLY', 'connectOnly'],
  ['REDIRECT_URI', 'redirectUri'],
  ['CLIENT_METADATA_URL', 'clientMetadataUrl'],
  ...Object.entries(LIST_OPTIONS).map(([option, { suffix }]) => [suffix, option] as [string, string]),
]);

/**
 * One provider's settings, checked by the same code as `<NAME>_…`
 * variables; an error names the option (`providers.github.clientId`)
 * instead of the variable, wherever its message names one.
 */
function providerFromOptions(name: string, options: ProviderOptions, production: boolean): ProviderSettings {
  const path = `providers.${name}`;
  if (!PROVIDER_NAME.test(name)) throw new ConfigError('providers', `has an invalid provider name "${name}" (lower-case letters, digits and _, starting with a letter)`);
  if (typeof options !== 'object' || options === null) throw new ConfigError(path, 'must be an object ({ clientId, clientSecret, preset or issuer… })');
  const prefix = name.toUpperCase();
  const env: Environment = {};
  let registeredCallback: URL | undefined;
  let registeredDocument: URL | undefined;
  for (const [option, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (option === 'redirectUri') {
      registeredCallback = callbackUrl(value, `${path}.redirectUri`);
      continue;
    }
    if (option === 'clientMetadataUrl') {
      registeredDocument = documentUrl(value, `${path}.clientMetadataUrl`, production);
      continue;
    }
    if (option === 'authorizationParams') {
      if (typeof value !== 'object' || value === null) throw new ConfigError(`${path}.authorizationParams`, 'must be an object of strings');
      env[`${prefix}_AUTHORIZATION_PARAMS`] = new URLSearchParams(value as Record<string, string>).toString();
      continue;
    }
    if (option in LIST_OPTIONS) {
      const { suffix, example } = LIST_OPTIONS[option as ListOption];
      if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string' && !entry.includes(','))) {
        throw new ConfigError(`${path}.${option}`, `must be an array of URLs, e.g. ["${example}"]`);
      }
      env[`${prefix}_${suffix}`] = value.join(',');
      continue;
    }
    if (option === 'connectOnly') {
      if (typeof value !== 'boolean') throw new ConfigError(`${path}.connectOnly`, `must be true or false (got ${described(value)})`);
      env[`${prefix}_CONNECT_ONLY`] = value ? 'on' : 'off';
      continue;
    }
    if (option === 'refreshTokenIdleDays') {
      if (typeof value !== 'number') throw new ConfigError(`${path}.refreshTokenIdleDays`, `must be a whole number of days (got ${described(value)})`);
      env[`${prefix}_REFRESH_TOKEN_IDLE_DAYS`] = String(value);
      continue;
    }
    const suffix = PROVIDER_OPTION_VARIABLES[option as keyof typeof PROVIDER_OPTION_VARIABLES];
    if (suffix === undefined) throw new ConfigError(`${path}.${option}`, `is not a provider option (known: ${[...OPTION_OF_SUFFIX.values()].join(', ')})`);
    if (typeof value !== 'string') throw new ConfigError(`${path}.${option}`, `must be a string (got ${typeof value})`);
    env[`${prefix}_${suffix}`] = value;
  }
  try {
    return providerSettings(env, name, production, undefined, undefined, registeredCallback, registeredDocument);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const variables = new RegExp(`\\b${prefix}_([A-Z_]+)\\b`, 'g');
    const renamed = error.message.replace(variables, (whole, suffix: string) => (OPTION_OF_SUFFIX.has(suffix) ? `${path}.${OPTION_OF_SUFFIX.get(suffix)}` : whole));
    const problem = renamed.replace(/^Configuration error: \S+ /, '').replace(/OAUTH_PROVIDERS lists "[^"]+"/, `${path} is given`);
    const variable = error.variable.startsWith(`${prefix}_`) ? `${path}.${OPTION_OF_SUFFIX.get(error.variable.slice(prefix.length + 1)) ?? error.variable}` : error.variable;
    throw new ConfigError(variable, problem, { cause: error });
  }
}

/** `value` as the absolute http(s) URL of a callback route, without a fragment (RFC 6749 §3.1.2); undefined when it is not one. */
export function callbackUrlOf(value: unknown): URL | undefined {
  const parsed = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  return parsed !== undefined && (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hash === '' ? parsed : undefined;
}

/** A callback route's URL (callbackUrlOf), or a ConfigError naming `option`. */
function callbackUrl(value: unknown, option: string): URL {
  const parsed = callbackUrlOf(value);
  if (parsed === undefined) {
    throw new ConfigError(option, `must be the absolute http(s) URL of your callback route, without a fragment, such as https://app.example.com/auth/fediverse/callback (got ${described(value)})`);
  }
  return parsed;
}

/**
 * The URL of a client metadata document: absolute, https (http outside production), with a path and without a
 * fragment (draft-ietf-oauth-client-id-metadata-document §3), or a ConfigError naming `option`.
 */
function documentUrl(value: unknown, option: string, production: boolean): URL {
  const parsed = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  const scheme = parsed?.protocol === 'https:' || (!production && parsed?.protocol === 'http:');
  if (parsed === undefined || !scheme || parsed.pathname === '/' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
    throw new ConfigError(option, `must be the absolute ${production ? 'https ' : ''}URL of your route serving the client metadata document, with a path, such as https://app.example.com/auth/mcp/client-metadata.json (got ${described(value)})`);
  }
  return parsed;
}

/**
 * Every option of createTokenkeeper and of fromEnv (the compiler keeps each
 * list whole): any other name is a typo, such as `databse`, that would
 * otherwise leave its option at the default without a word.
 */
const CREATE_OPTIONS: Readonly<Record<keyof (TokenkeeperOptions & LibraryOptions), true>> = {
  database: true,
  encryptionKeys: true,
  providers: true,
  migrate: true,
  production: true,
  refreshLeewaySeconds: true,
  providerTimeoutSeconds: true,
  caFile: true,
  refreshKeepalive: true,
  webhooks: true,
  resolveUser: true,
  logger: true,
};
const FROM_ENV_OPTIONS: Readonly<Record<keyof FromEnvOptions, true>> = { env: true, cwd: true, migrate: true, resolveUser: true, logger: true };

/** The options that are the host's functions: LibraryOptions' function-valued keys, which the compiler makes HOOKS list. */
type HookName = { [K in keyof LibraryOptions]-?: NonNullable<LibraryOptions[K]> extends (...args: never[]) => unknown ? K : never }[keyof LibraryOptions];
const HOOKS: Readonly<Record<HookName, true>> = { resolveUser: true };

/** A value of the wrong type, named with its type: `the string "10"`, where `10` alone would hide the quotes. */
function described(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `the ${typeof value} ${String(value)}`;
  return `a value of type ${typeof value}`;
}

/**
 * What the types rule out but plain JavaScript (or a cast) lets through: a
 * name no option has, and a hook that is not a function. Checked before
 * anything opens: a bad resolveUser would otherwise fail only at the first
 * sign-in, after its code was exchanged.
 */
function checkOptionNames(options: object, known: Readonly<Record<string, true>>, of: string): void {
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(known, name)) throw new ConfigError(name, `is not an option of ${of} (known: ${Object.keys(known).join(', ')})`);
    if (Object.hasOwn(HOOKS, name) && typeof value !== 'function') throw new ConfigError(name, `must be a function (got ${described(value)})`);
    if (name === 'logger' && !isLogger(value)) {
      throw new ConfigError(name, `must be a pino logger, such as a Fastify app's app.log: an object with the methods ${LOGGER_METHODS.join(', ')} (got ${described(value)})`);
    }
  }
}

/** The methods of LibraryLogger, which Tokenkeeper logs through. */
const LOGGER_METHODS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

function isLogger(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const logger = value as Record<string, unknown>;
  return LOGGER_METHODS.every((method) => typeof logger[method] === 'function');
}

/** The CA bundle option read as `tokenkeeper serve` reads CA_FILE: a file that is missing or holds no certificate stops start-up, naming the option. */
function caFileOption(value: unknown): string | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') throw new ConfigError('caFile', `must be the path of a PEM file (got ${described(value)})`);
  const path = resolve(value);
  try {
    readCaBundle(path);
  } catch (error) {
    throw new ConfigError('caFile', `is not usable: ${(error as Error).message}`, { cause: error });
  }
  return path;
}

/** fromEnv's own options (its configuration is the environment's, checked by loadConfig); the first problem throws a ConfigError naming the option. */
export function checkFromEnvOptions(options: FromEnvOptions): void {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object ({ env, cwd, resolveUser… }) or left out');
  checkOptionNames(options, FROM_ENV_OPTIONS, 'fromEnv');
  const { cwd } = options;
  if (cwd === undefined) return;
  if (typeof cwd !== 'string' || cwd === '') throw new ConfigError('cwd', `must be the path of a folder (got ${described(cwd)})`);
  // A mistyped folder would otherwise be made, with keys and an empty database of its own: every user not_found.
  if (!statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConfigError('cwd', `is not a folder: ${resolve(cwd)} (fromEnv reads .env there and keeps ./data there; it makes no folder for it)`);
  }
}

function seconds(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got ${described(value)})`);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got ${String(value)})`);
  return value;
}

function flag(name: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new ConfigError(name, `must be true or false (got ${described(value)})`);
  return value;
}

/** Checks every option as `tokenkeeper serve` checks its environment; the first problem throws a ConfigError naming the option. */
export function configFromOptions(options: TokenkeeperOptions & LibraryOptions): CoreConfig {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object ({ database, encryptionKeys, providers })');
  checkOptionNames(options, CREATE_OPTIONS, 'createTokenkeeper');
  flag('migrate', options.migrate);
  const production = flag('production', options.production) ?? process.env.NODE_ENV === 'production';
  if (typeof options.database !== 'string' || options.database.trim() === '') {
    throw new ConfigError('database', 'is missing (e.g. sqlite:./data/app.db or postgres://user:password@host/db)');
  }
  try {
    parseDatabaseUrl(options.database);
  } catch (error) {
    throw new ConfigError('database', `is not usable: ${(error as Error).message}`, { cause: error });
  }
  const keys = typeof options.encryptionKeys === 'string' ? options.encryptionKeys : Array.isArray(options.encryptionKeys) ? options.encryptionKeys.join(',') : '';
  if (keys.trim() === '') throw new ConfigError('encryptionKeys', 'is missing: base64 32-byte keys, newest first (`npx tokenkeeper keys generate` prints one)');
  try {
    parseEncryptionKeys(keys);
  } catch (error) {
    throw new ConfigError('encryptionKeys', `is invalid: ${(error as Error).message}`, { cause: error });
  }
  if (typeof options.providers !== 'object' || options.providers === null || Object.keys(options.providers).length === 0) {
    throw new ConfigError('providers', 'is missing: name at least one, e.g. { github: { preset: "github", clientId, clientSecret } }');
  }
  const providers = Object.entries(options.providers).map(([name, provider]) => providerFromOptions(name, provider, production));
  let webhooks: CoreConfig['webhooks'] = null;
  if (options.webhooks) {
    const signingKeys = webhookSigningKeys(options.webhooks.secret ?? '');
    if (typeof signingKeys === 'string') throw new ConfigError('webhooks.secret', signingKeys);
    if (!Array.isArray(options.webhooks.urls) || options.webhooks.urls.length === 0) throw new ConfigError('webhooks.urls', 'must list at least one http(s) URL');
    const urls = options.webhooks.urls.map((entry, index) => {
      const checked = url({}, `webhooks.urls[${index}]`, production, typeof entry === 'string' ? entry.trim() : String(entry));
      if (checked === undefined) throw new ConfigError(`webhooks.urls[${index}]`, 'is empty');
      return checked;
    });
    webhooks = { urls, signingKeys };
  }
  return {
    databaseUrl: options.database,
    tokenEncryptionKeys: keys,
    providers,
    caFile: caFileOption(options.caFile),
    providerTimeoutSeconds: seconds('providerTimeoutSeconds', options.providerTimeoutSeconds, 10, 1, 300),
    refreshLeewaySeconds: seconds('refreshLeewaySeconds', options.refreshLeewaySeconds, 60, 0, 3600),
    refreshKeepalive: flag('refreshKeepalive', options.refreshKeepalive) ?? true,
    webhooks,
  };
}

/**
 * The local dev provider (`npx tokenkeeper dev-provider`, or startDevProvider
 * from `tokenkeeper/dev-provider`) as a provider: its demo accounts sign in,
 * and its API answers under `<issuer>/api`. For development only.
 *
 * @example
 * // With `npx tokenkeeper dev-provider` running on port 4000 (sign in as alice, password alice):
 * const tokenkeeper = await createTokenkeeper({
 *   database: 'sqlite:./data/dev.db',
 *   encryptionKeys: process.env.TOKEN_ENCRYPTION_KEYS!,
 *   providers: { toolkit: devProvider() },
 * });
 * const profile = await tokenkeeper.fetch(userId, 'toolkit', '/profile');
 */
export function devProvider(issuer = 'http://localhost:4000'): ProviderOptions & { issuer: string; clientId: string; clientSecret: string } {
  return {
    displayName: 'Toolkit',
    issuer,
    clientId: DEV_PROVIDER_CLIENT_ID,
    clientSecret: DEV_PROVIDER_CLIENT_SECRET,
    scope: DEV_PROVIDER_SCOPE,
    apiBaseUrl: `${issuer}/api`,
  };
}
