import { findPreset, PRESET_VALUE_VARIABLES, type PresetValueName } from '../client/providers/index.js';
import { ConfigError } from './config-error.js';
import type { Environment } from './env-file.js';

/** Every `<NAME>_…` setting a provider reads. */
export const PROVIDER_VARIABLE_SUFFIXES: readonly string[] = [
  'PRESET',
  'CLIENT_ID',
  'CLIENT_SECRET',
  'DISPLAY_NAME',
  'ISSUER',
  'SERVER_METADATA_URL',
  'AUTHORIZE_URL',
  'ACCESS_TOKEN_URL',
  'USERINFO_URL',
  'REVOCATION_URL',
  'REFRESH_URL',
  'JWKS_URL',
  'SCOPE',
  'API_BASE_URL',
  'EXTRA_API_BASE_URLS',
  'REGIONAL_SERVERS',
  'AUTHORIZATION_PARAMS',
  'PROXY_REQUEST_HEADERS',
  'PROXY_RESPONSE_HEADERS',
  'TOKEN_ENDPOINT_AUTH_METHOD',
  'PRIVATE_KEY_FILE',
  'PRIVATE_KEY_ID',
  'DECRYPTION_KEY_FILE',
  'DECRYPTION_KEY_ID',
  'DECRYPTION_KEY_ALG',
  'REFRESH_TOKEN_IDLE_DAYS',
  'SIGN_OUT_AT_PROVIDER',
  'DPOP',
  'PAR',
  'CONNECT_ONLY',
  ...Object.values(PRESET_VALUE_VARIABLES),
];

/**
 * The application's own variables, and Node's, which a provider's name may
 * begin (a provider named `login` and LOGIN_RATE_LIMIT): never a provider's.
 */
export const APPLICATION_VARIABLES: ReadonlySet<string> = new Set([
  'AUDIT_LOG_RETENTION_DAYS',
  'BASE_URL',
  'CA_FILE',
  'CONNECTION_TIMEOUT_SECONDS',
  'CONNECT_RETURN_ORIGINS',
  'DATABASE_URL',
  'DEV_PROVIDER_ACCESS_TOKEN_TTL',
  'DEV_PROVIDER_PORT',
  'HOST',
  'LOGIN_RATE_LIMIT',
  'LOG_FORMAT',
  'LOG_LEVEL',
  'LOG_REQUESTS',
  'METRICS_PORT',
  'METRICS_TOKEN',
  'NODE_ENV',
  'NODE_EXTRA_CA_CERTS',
  'NODE_OPTIONS',
  'OAUTH_PROVIDERS',
  'PORT',
  'PROVIDER_TIMEOUT_SECONDS',
  'PROXY_UPLOAD_LIMIT_MB',
  'REFRESH_AHEAD_SECONDS',
  'REFRESH_KEEPALIVE',
  'REQUEST_TIMEOUT_SECONDS',
  'SECRET_KEY',
  'SERVICE_RATE_LIMIT',
  'SESSION_IDLE_TIMEOUT_SECONDS',
  'SESSION_MAX_AGE_SECONDS',
  'SHUTDOWN_TIMEOUT_SECONDS',
  'TOKENKEEPER_SUPERUSER_PASSWORD',
  'TOKEN_ENCRYPTION_KEYS',
  'TOKEN_REFRESH_LEEWAY_SECONDS',
  'TRUST_PROXY',
  'WEBHOOK_SECRET',
  'WEBHOOK_URLS',
]);

/** The settings that make a provider: set for a name OAUTH_PROVIDERS does not list, they are read by nothing. */
const DEFINING_SUFFIXES = ['PRESET', 'CLIENT_ID', 'CLIENT_SECRET', 'SERVER_METADATA_URL'];

export interface UnusedVariable {
  variable: string;
  /** The listed provider it names but is no setting of; undefined: it names a provider OAUTH_PROVIDERS does not list. */
  provider?: string;
  /** The setting it most likely meant (`GITHUB_SCOPE` for GITHUB_SCOPES). */
  meant?: string;
  /** The suffixes of the settings that provider reads (those of every provider, and the values its preset takes). */
  settings?: readonly string[];
}

const PRESET_VALUE_SUFFIXES: ReadonlySet<string> = new Set(Object.values(PRESET_VALUE_VARIABLES));

/**
 * The suffixes of the settings the provider of `prefix` reads: every
 * provider's, and of the preset values (`_BASE_URL`, `_TENANT`…) only those
 * its preset takes, so that a mistyped GITHUB_TENNANT is not sent to a
 * GITHUB_TENANT the github preset would refuse in turn.
 */
function settingsOf(env: Environment, prefix: string): readonly string[] {
  const taken = new Set((Object.keys(findPreset(env[`${prefix}PRESET`]?.trim().toLowerCase() ?? '')?.values ?? {}) as PresetValueName[]).map((key) => PRESET_VALUE_VARIABLES[key]));
  return PROVIDER_VARIABLE_SUFFIXES.filter((suffix) => !PRESET_VALUE_SUFFIXES.has(suffix) || taken.has(suffix));
}

/**
 * `<NAME>_…` variables that nothing reads: one that begins with a listed
 * provider's name but is none of its settings (a mistyped one), and one
 * that defines a provider (`_PRESET`, `_CLIENT_ID`…) OAUTH_PROVIDERS does not
 * list. `listed` is null when OAUTH_PROVIDERS is unset.
 */
export function unusedProviderVariables(env: Environment, listed: readonly string[] | null): UnusedVariable[] {
  const unused: UnusedVariable[] = [];
  const prefixes = (listed ?? []).map((name) => `${name.toUpperCase()}_`).sort((a, b) => b.length - a.length);
  const names = Object.keys(env)
    .filter((variable) => env[variable]?.trim() && !APPLICATION_VARIABLES.has(variable))
    .sort();
  for (const variable of names) {
    // The longest listed name that begins it: with providers `git` and `git_hub`, GIT_HUB_SCOPE is git_hub's.
    const prefix = prefixes.find((candidate) => variable.startsWith(candidate));
    if (prefix !== undefined) {
      const suffix = variable.slice(prefix.length);
      if (PROVIDER_VARIABLE_SUFFIXES.includes(suffix)) continue;
      const settings = settingsOf(env, prefix);
      const near = nearestSuffix(suffix, settings);
      unused.push({ variable, provider: prefix.slice(0, -1).toLowerCase(), settings, ...(near === undefined ? {} : { meant: `${prefix}${near}` }) });
    } else if (DEFINING_SUFFIXES.some((suffix) => variable.endsWith(`_${suffix}`) && variable.length > suffix.length + 1)) {
      unused.push({ variable });
    }
  }
  return unused;
}

/**
 * Stops start-up for a mistyped provider setting that came from `.env`: the
 * file is this application's, so the name is a mistake. (The real
 * environment is not held to it: CI systems and Kubernetes fill it with their
 * own `GITHUB_…` and `KEYCLOAK_SERVICE_HOST`.)
 */
export function refuseMistypedDotEnvVariables(unused: readonly UnusedVariable[], fromDotEnv: ReadonlySet<string>): void {
  const mistyped = unused.find((entry) => entry.provider !== undefined && fromDotEnv.has(entry.variable));
  if (mistyped?.provider === undefined) return;
  const prefix = `${mistyped.provider.toUpperCase()}_`;
  const hint = mistyped.meant ? `; did you mean ${mistyped.meant}?` : `; its settings are ${prefix} followed by ${(mistyped.settings ?? PROVIDER_VARIABLE_SUFFIXES).join(', ')}`;
  throw new ConfigError(mistyped.variable, `(in .env) is not a setting of the ${mistyped.provider} provider${hint}`);
}

/**
 * One sentence for each unused variable worth a warning at start: a
 * provider OAUTH_PROVIDERS does not list, and a mistyped setting that has
 * a near match (any other is most likely some other program's).
 */
export function unusedVariableWarnings(unused: readonly UnusedVariable[], listed: readonly string[] | null): string[] {
  return unused.flatMap(({ variable, provider, meant }) => {
    if (provider !== undefined) return meant ? [`${variable} is not a setting of the ${provider} provider, so nothing reads it; did you mean ${meant}?`] : [];
    const named = variable.replace(new RegExp(`_(${DEFINING_SUFFIXES.join('|')})$`), '').toLowerCase();
    return [
      listed === null
        ? `${variable} is set but OAUTH_PROVIDERS is not, so only the local dev provider runs and nothing reads it: add OAUTH_PROVIDERS=${named}`
        : `${variable} is set but OAUTH_PROVIDERS (${listed.join(',')}) does not list ${named}, so nothing reads it`,
    ];
  });
}

/** Names other programs give the public origin, which is BASE_URL here. */
const BASE_URL_ALIASES: ReadonlySet<string> = new Set(['PUBLIC_URL', 'APP_URL', 'EXTERNAL_URL', 'ROOT_URL', 'SITE_URL']);

/**
 * One sentence for each set variable that is none of the application's but
 * one letter away from one (DATABSE_URL, OAUTH_PROVIDER, TOKEN_ENCRYPTION_KEY),
 * or another program's name for BASE_URL (PUBLIC_URL): nothing reads it, and
 * the default it leaves in place (a SQLite database, the dev provider, a
 * generated key) says nothing of the mistake. Names and settings shorter
 * than six letters (HOST, PORT) are left out: among names that short, one
 * letter apart tells a typo from another program's variable too poorly.
 */
export function mistypedApplicationVariableWarnings(env: Environment): string[] {
  return Object.keys(env)
    .filter((variable) => env[variable]?.trim() && !APPLICATION_VARIABLES.has(variable))
    .sort()
    .flatMap((variable) => {
      const meant = BASE_URL_ALIASES.has(variable)
        ? 'BASE_URL'
        : variable.length >= 6
          ? [...APPLICATION_VARIABLES].find((known) => known.length >= 6 && editDistance(variable, known) === 1)
          : undefined;
      return meant === undefined ? [] : [`${variable} is not a Tokenkeeper setting, so nothing reads it; did you mean ${meant}?`];
    });
}

/**
 * The setting among `settings` a mistyped suffix most likely meant: within
 * two edits (SCOPES), or ending in the same kind of value (URL, ID…) and
 * sharing a word's first four letters (REVOKE_URL, REVOCATION_URL).
 */
function nearestSuffix(suffix: string, settings: readonly string[]): string | undefined {
  const words = suffix.split('_').map((word) => (word === 'ENDPOINT' || word === 'URI' ? 'URL' : word));
  let best: { suffix: string; distance: number } | undefined;
  for (const known of settings) {
    const knownWords = known.split('_');
    const distance = editDistance(suffix, known);
    const sameKind = words.at(-1) === knownWords.at(-1);
    const sharedWord = words.slice(0, -1).some((word) => word.length >= 4 && knownWords.some((other) => other.slice(0, 4) === word.slice(0, 4)));
    if ((distance <= 2 || (sameKind && sharedWord)) && (best === undefined || distance < best.distance)) best = { suffix: known, distance };
  }
  return best?.suffix;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
