import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CustomFetch, ServerMetadata } from 'openid-client';
import { createOutboundFetch } from '../client/outbound-fetch.js';
import { ProviderRegistry, type RegisteredProvider } from '../client/provider-registry.js';
import { apiHeadersOf } from '../client/provider-settings.js';
import { atRegionalServer, regionalServerPattern } from '../client/regional-servers.js';
import { DEV_PROVIDER_NAME, type AppConfig } from '../config/config.js';
import { AUDIT_LOG_COUNTED_ROWS, auditLogSize } from '../db/audit-log-size.js';
import { describePostgresUrl, openDatabase, parseDatabaseUrl, type Database } from '../db/database.js';
import { knownMigrations, newerSchemaWarning, pendingMigrations, unknownMigrations } from '../db/migrate.js';
import { parseEncryptionKeys, TokenCipher } from '../db/token-cipher.js';
import { sampleTokenKeys } from '../db/token-key-sample.js';
import { webhookBacklogByUrl, type WebhookUrlBacklog } from '../db/webhook-delivery.repository.js';
import { redirectUri } from '../server/urls.js';
import { describeAuditLog } from './doctor-audit-log-check.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface CheckResult {
  status: CheckStatus;
  check: string;
  detail: string;
}
export type Report = (result: CheckResult) => void;

/** Clocks further apart than this make ID token and lease expiries unreliable. */
export const CLOCK_SKEW_WARN_SECONDS = 60;
/** Token rows sampled for the encryption key check. */
const KEY_SAMPLE_SIZE = 50;

/** An error's message, with the system code underneath it when there is one (ECONNREFUSED, ENOTFOUND). */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  let code: string | undefined;
  for (let cause: unknown = error, depth = 0; cause !== undefined && cause !== null && depth < 10; depth += 1) {
    const found = (cause as { code?: unknown }).code;
    if (typeof found === 'string' && /^E[A-Z]+$/.test(found)) code = found;
    cause = (cause as { cause?: unknown }).cause;
  }
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
}

/** What checkDatabase read for the later checks: the webhook outbox's pending and failed rows per URL, when there is one. */
export interface DatabaseFindings {
  webhookBacklog?: WebhookUrlBacklog[];
}

const WEBHOOK_OUTBOX_MIGRATION = '2026-12-03T0500-webhook-outbox';

/**
 * The database: reachable, migrated, and its stored tokens readable with
 * TOKEN_ENCRYPTION_KEYS; the audit log's size and retention; with WEBHOOK_URLS, what waits in the webhook outbox
 * (reported by checkWebhooks).
 */
export async function checkDatabase(config: AppConfig, cwd: string, report: Report): Promise<DatabaseFindings> {
  const location = parseDatabaseUrl(config.databaseUrl);
  let url = config.databaseUrl;
  let where: string;
  if (location.dialect === 'sqlite') {
    const path = location.path === ':memory:' ? location.path : resolve(cwd, location.path);
    where = `SQLite ${path}`;
    // Opening would create an empty file; a missing one is news, not something to make.
    if (path !== ':memory:' && !existsSync(path)) {
      report({ status: 'warn', check: 'database', detail: `${where} does not exist yet (serve creates and migrates it)` });
      return {};
    }
    url = `sqlite:${path}`;
  } else {
    where = `PostgreSQL ${describePostgresUrl(location.connectionString)}`;
  }
  let database: Database;
  try {
    database = await openDatabase(url);
  } catch (error) {
    report({ status: 'fail', check: 'database', detail: describeError(error) });
    return {};
  }
  // The check under way: a query that fails (a role without the privilege, a table gone) fails that check, and the
  // provider and webhook checks still run, instead of the whole doctor stopping without its summary.
  let check = 'migrations';
  try {
    report({ status: 'ok', check: 'database', detail: `${where} answers` });
    const known = knownMigrations();
    const pending = await pendingMigrations(database);
    const unknown = await unknownMigrations(database);
    if (pending.length > 0) {
      report({
        status: 'fail',
        check: 'migrations',
        detail: `${pending.length} of ${known.length} pending (${pending.join(', ')}): run \`tokenkeeper migrate\` (serve applies them when it starts)`,
      });
    } else if (unknown.length > 0) {
      // Runs (as during a rolling upgrade), but this version is behind the database.
      report({ status: 'warn', check: 'migrations', detail: `all ${known.length} applied; ${newerSchemaWarning(unknown)}` });
    } else {
      report({ status: 'ok', check: 'migrations', detail: `all ${known.length} applied` });
    }
    if (pending.includes(known[0]!)) {
      report({ status: 'warn', check: 'encryption keys', detail: 'not checked: the database has no tokens table yet' });
      return {};
    }
    check = 'encryption keys';
    await checkEncryptionKeys(database, config, report);
    check = 'audit log';
    report(describeAuditLog(await auditLogSize(database), config.auditLogRetentionDays, AUDIT_LOG_COUNTED_ROWS));
    if (!config.webhooks || pending.includes(WEBHOOK_OUTBOX_MIGRATION)) return {};
    check = 'webhook outbox';
    return { webhookBacklog: await webhookBacklogByUrl(database.db) };
  } catch (error) {
    report({ status: 'fail', check, detail: describeError(error) });
    return {};
  } finally {
    await database.close();
  }
}

async function checkEncryptionKeys(database: Database, config: AppConfig, report: Report): Promise<void> {
  const keys = parseEncryptionKeys(config.tokenEncryptionKeys);
  const sample = await sampleTokenKeys(database.db, new TokenCipher(keys), KEY_SAMPLE_SIZE);
  const check = 'encryption keys';
  if (sample.failed.length > 0) {
    const why = (failure: (typeof sample.failed)[number]) =>
      failure.code === 'UNKNOWN_KEY'
        ? `token ${failure.id} is under key ${failure.keyId}, which is not in TOKEN_ENCRYPTION_KEYS`
        : `token ${failure.id} does not decrypt (${failure.code})`;
    const shown = sample.failed.slice(0, 3).map(why).join('; ');
    const more = sample.failed.length > 3 ? `; and ${sample.failed.length - 3} more` : '';
    report({ status: 'fail', check, detail: `${sample.failed.length} of the ${sample.sampled} most recent tokens do not decrypt: ${shown}${more}` });
    return;
  }
  if (sample.sampled === 0) {
    report({ status: 'ok', check, detail: `no stored tokens to check yet (newest key ${keys[0]!.id})` });
    return;
  }
  const byKey = Object.entries(sample.decryptedByKey)
    .sort(([a], [b]) => keys.findIndex((k) => k.id === a) - keys.findIndex((k) => k.id === b))
    .map(([keyId, count]) => `${count} under key ${keyId}${keyId === keys[0]!.id ? ' (the newest)' : ' (an older key: `tokenkeeper keys rotate` moves them)'}`);
  report({ status: 'ok', check, detail: `the ${sample.sampled} most recent tokens decrypt: ${byKey.join(', ')}` });
}

/**
 * How far this machine's clock is from a provider's; `skewSeconds` > 0: the
 * provider is ahead. A Date header counts whole seconds (RFC 9110 §5.6.7) and
 * comes a round trip late, so small differences are not told apart.
 */
export function describeClockSkew(skewSeconds: number, provider: string): CheckResult {
  const seconds = Math.round(Math.abs(skewSeconds));
  const check = `clock ${provider}`;
  if (seconds <= CLOCK_SKEW_WARN_SECONDS) return { status: 'ok', check, detail: `within ${CLOCK_SKEW_WARN_SECONDS} s of ${provider}'s (its Date header)` };
  const amount = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  return {
    status: 'warn',
    check,
    detail: `this machine's clock is ${amount} ${skewSeconds > 0 ? 'behind' : 'ahead of'} ${provider}'s (its Date header): token and ID token expiries will be off; check NTP`,
  };
}

/** How an endpoint is asked whether it is there: as the protocol calls it, without credentials, so nothing is granted or changed. */
interface EndpointProbe {
  url: string;
  method: 'GET' | 'POST';
  /** What the request lacks, for the line: `without credentials`. */
  lacking: string;
  headers?: Record<string, string>;
  /** A POST's JSON body, for an endpoint read by POSTing JSON (else a POST's body is an empty form). */
  json?: Record<string, unknown>;
}

/**
 * An endpoint reached, or not: any HTTP answer shows something is there (it
 * refuses a request without credentials, as it should), except 404 and 410,
 * which say nothing is at that URL: a wrong one, and a redirect, which
 * requests to a provider do not follow. A 5xx is a warning.
 */
async function probeEndpoint(provider: RegisteredProvider, probe: EndpointProbe): Promise<{ status: CheckStatus; detail: string; reached: boolean }> {
  const request = `a ${probe.method} ${probe.lacking}`;
  let response: Response;
  try {
    const body = probe.method === 'GET' ? undefined : probe.json ? { type: 'application/json', text: JSON.stringify(probe.json) } : { type: 'application/x-www-form-urlencoded', text: '' };
    response = await provider.send(probe.url, {
      method: probe.method,
      headers: { accept: 'application/json', ...probe.headers, ...(body ? { 'content-type': body.type } : {}) },
      ...(body ? { body: body.text } : {}),
    });
  } catch (error) {
    return { status: 'fail', detail: `${probe.url} unreachable: ${describeError(error)}`, reached: false };
  }
  await response.body?.cancel().catch(() => {});
  if (response.status === 404 || response.status === 410) {
    return { status: 'fail', detail: `${probe.url} answered HTTP ${response.status} to ${request}: nothing is at that URL; check it`, reached: true };
  }
  if (response.status >= 300 && response.status < 400) {
    // Requests to a provider never follow redirects (a token request must not be sent on elsewhere), so this URL cannot work.
    const location = response.headers.get('location');
    const elsewhere = location ? `; configure the URL it points to (${new URL(location, probe.url).href.slice(0, 300)})` : '';
    return { status: 'fail', detail: `${probe.url} answered HTTP ${response.status} to ${request}, a redirect, which requests to a provider do not follow${elsewhere}`, reached: true };
  }
  return { status: response.status >= 500 ? 'warn' : 'ok', detail: `${probe.url} reached (${request} answered HTTP ${response.status})`, reached: true };
}

/**
 * Each provider: the redirect URI sent, discovery, the token endpoint (and
 * each regional server's) and (when used) the revocation and userinfo
 * endpoints reached, and the clock against its Date header.
 */
export async function checkProviders(config: AppConfig, nowSeconds: () => number, report: Report): Promise<void> {
  const outbound = createOutboundFetch(config.caFile ? { caFile: config.caFile } : {});
  const dates = new Map<string, string>();
  const recorded = (send: CustomFetch): CustomFetch => async (url, init) => {
    const response = await send(url, init);
    const date = response.headers.get('date');
    if (date !== null) dates.set(new URL(url).origin, date);
    return response;
  };
  // The registry serve uses: discovery, its checks and the outbound fetch (TLS, CA_FILE, public addresses only where
  // people name the servers) are the same.
  const registry = new ProviderRegistry(config.providers, { fetch: recorded(outbound), publicFetch: recorded(outbound.publicOnly), timeoutSeconds: config.providerTimeoutSeconds });
  try {
    for (const settings of config.providers) {
      const { name } = settings;
      report({ status: 'ok', check: `redirect URI ${name}`, detail: `${redirectUri(config.baseUrl, name)} (the provider must have it registered for this client)` });
      const provider = registry.get(name);
      // The local dev provider runs inside serve: while serve runs, it is checked as any provider; else it is not up, as expected.
      if (config.devProvider && name === DEV_PROVIDER_NAME && !(await provider.configuration().then(() => true, () => false))) {
        report({ status: 'ok', check: `provider ${name}`, detail: `the local dev provider at ${config.devProvider.issuer} is not running: serve starts it (and, running, it is checked as any provider)` });
        continue;
      }
      let metadata: ServerMetadata;
      let found: string;
      try {
        metadata = (await provider.configuration()).serverMetadata();
        found = settings.discovery ? `discovery found issuer ${metadata.issuer}` : 'endpoints configured';
      } catch (error) {
        report({ status: 'fail', check: `provider ${name}`, detail: describeError(error) });
        continue;
      }
      const tokenEndpoint = metadata.token_endpoint;
      if (tokenEndpoint === undefined) {
        report({ status: 'fail', check: `provider ${name}`, detail: `${found}, but no token endpoint` });
        continue;
      }
      // The token and revocation endpoints take POST only (RFC 6749 §3.2, RFC 7009 §2.1): some answer a GET with 404.
      const token = await probeEndpoint(provider, { url: tokenEndpoint, method: 'POST', lacking: 'without credentials' });
      report({ status: token.status, check: `provider ${name}`, detail: `${found}; token endpoint ${token.detail}` });
      // Each regional server a sign-in may be finished at (Zoho's data centres): its token endpoint, at the same path.
      for (const server of settings.regionalServers ?? []) {
        // A pattern (https://*.retail.lightspeed.app) stands for a host per account: none of them is the one to ask.
        if (regionalServerPattern(server)) {
          report({ status: 'ok', check: `regional server ${name}`, detail: `${server} stands for one host per account; each is reached at its first sign-in, none is probed here` });
          continue;
        }
        const url = atRegionalServer(tokenEndpoint, server);
        if (url === new URL(tokenEndpoint).href) continue;
        const regional = await probeEndpoint(provider, { url, method: 'POST', lacking: 'without credentials' });
        report({ status: regional.status, check: `regional server ${name}`, detail: `token endpoint ${regional.detail}` });
      }
      // Only the endpoints sign-in and disconnect use: a preset's own revoke hook goes elsewhere, skipUserinfo reads none.
      const otherEndpoints: Array<EndpointProbe & { role: string }> = [];
      if (metadata.revocation_endpoint && !settings.hooks?.revoke) {
        otherEndpoints.push({ role: 'revocation endpoint', url: metadata.revocation_endpoint, method: 'POST', lacking: 'without credentials' });
      }
      if (metadata.userinfo_endpoint && !settings.skipUserinfo && settings.userinfoByIntrospection) {
        // RFC 7662 §2.1: token introspection takes POST only.
        otherEndpoints.push({ role: 'userinfo endpoint', url: metadata.userinfo_endpoint, method: 'POST', lacking: 'without credentials' });
      } else if (metadata.userinfo_endpoint && !settings.skipUserinfo && settings.userinfoPostJson) {
        // A user API read by POSTing a query (Linear's GraphQL viewer): the same request, without a token.
        otherEndpoints.push({ role: 'userinfo endpoint', url: metadata.userinfo_endpoint, method: 'POST', lacking: 'without a token', headers: apiHeadersOf(settings) ?? {}, json: settings.userinfoPostJson });
      } else if (metadata.userinfo_endpoint && !settings.skipUserinfo) {
        // OpenID Connect Core §5.3.1: GET; with the preset's API headers (GitHub refuses a request without a User-Agent).
        otherEndpoints.push({ role: 'userinfo endpoint', url: metadata.userinfo_endpoint, method: 'GET', lacking: 'without a token', headers: apiHeadersOf(settings) ?? {} });
      }
      for (const probe of otherEndpoints) {
        const { status, detail } = await probeEndpoint(provider, probe);
        report({ status, check: `${probe.role} ${name}`, detail });
      }
      if (settings.signOutAtProvider) {
        const home = new URL('/', config.baseUrl).href;
        report(
          metadata.end_session_endpoint
            ? { status: 'ok', check: `sign-out at provider ${name}`, detail: `${metadata.end_session_endpoint}, back to ${home} (the provider must have it registered as a post-logout redirect URI)` }
            : { status: 'warn', check: `sign-out at provider ${name}`, detail: `its discovery names no end_session_endpoint: signing out ends this site's session only (${name.toUpperCase()}_SIGN_OUT_AT_PROVIDER=on does nothing)` },
        );
      }
      if (!token.reached) continue;
      const date = dates.get(new URL(tokenEndpoint).origin);
      const providerTime = date === undefined ? Number.NaN : Date.parse(date) / 1000;
      if (Number.isNaN(providerTime)) {
        report({ status: 'warn', check: `clock ${name}`, detail: `${name} sent no usable Date header: not checked` });
      } else {
        report(describeClockSkew(providerTime - nowSeconds(), name));
      }
    }
  } finally {
    await outbound.destroy();
  }
}
