import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import Provider, { errors } from 'oidc-provider';

import { buildConfiguration } from './configuration.js';
import { createAdapterFactory, ProviderStateStore, STATE_FILE_NAME } from './file-adapter.js';
import { logTokenGrants } from './grant-log.js';
import { renderPage, escapeHtml } from './html.js';
import { FormBodyError, sendHtml, sendJson } from './http-io.js';
import { handleInteractionRequest, INTERACTION_PATH_PREFIX } from './interactions.js';
import { rememberOidcProvider } from './instances.js';
import { loadOrCreateProviderKeys } from './keys.js';
import { handleApiRequest } from './protected-api.js';
import { countProviderEvents, createStats } from './stats.js';
import type { DevProvider, DevProviderLogger, DevProviderOptions } from './types.js';

const DEFAULT_ACCESS_TOKEN_TTL = 300;
const DEFAULT_REFRESH_TOKEN_TTL = 14 * 24 * 60 * 60;

const silentLogger: DevProviderLogger = { info() {}, warn() {} };

function invalidOption(option: string, problem: string): Error {
  return new TypeError(`startDevProvider: option ${option} ${problem}`);
}

function checkPositiveInteger(option: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw invalidOption(option, `must be a positive whole number of seconds, got ${String(value)}`);
  }
}

function checkOptions(options: DevProviderOptions): void {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw invalidOption('port', `must be an integer from 0 to 65535, got ${String(options.port)}`);
  }
  if (!Array.isArray(options.clients) || options.clients.length === 0) {
    throw invalidOption('clients', 'must list at least one client');
  }
  options.clients.forEach((client, index) => {
    const method = client.tokenEndpointAuthMethod ?? 'client_secret_basic';
    if (!client.clientId) throw invalidOption(`clients[${index}]`, 'needs a clientId');
    if (method === 'private_key_jwt' && !client.jwks) throw invalidOption(`clients[${index}]`, 'needs jwks for private_key_jwt');
    if (client.encryptedResponses && !client.jwks) throw invalidOption(`clients[${index}]`, 'needs jwks, with the key to encrypt to, for encryptedResponses');
    if (method !== 'private_key_jwt' && method !== 'none' && !client.clientSecret) throw invalidOption(`clients[${index}]`, `needs a clientSecret for ${method}`);
    if (!Array.isArray(client.redirectUris) || client.redirectUris.length === 0) {
      throw invalidOption(`clients[${index}].redirectUris`, 'must list at least one redirect URI');
    }
  });
  checkPositiveInteger('accessTokenTtl', options.accessTokenTtl);
  checkPositiveInteger('refreshTokenTtl', options.refreshTokenTtl);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets would otherwise hold the process (and vitest) open.
    server.closeAllConnections();
  });
}

/** The path of a request target, without query; never parsed as a URL (`//host/x`). */
function pathOf(req: IncomingMessage): string {
  const target = req.url ?? '/';
  const queryStart = target.indexOf('?');
  return queryStart === -1 ? target : target.slice(0, queryStart);
}

/**
 * A login or consent page whose sign-in is gone: posted again after it ended (the browser's Back button leads there),
 * left open too long, or opened without the cookie that ties it to its browser. The way on is a new sign-in, from
 * the app, whose address the clients' redirect URIs give.
 */
function expiredInteractionPage(clients: DevProviderOptions['clients'], noCookie: boolean): string {
  const origins = [...new Set(clients.flatMap((client) => client.redirectUris.map((uri) => new URL(uri).origin)))];
  const back = origins.map((origin) => `<p><a href="${escapeHtml(origin)}/">Back to ${escapeHtml(origin)}</a></p>`).join('');
  const why = noCookie
    ? 'This browser did not send the cookie that ties the page to its sign-in: it was opened in another browser, or cookies are blocked here.'
    : "Its sign-in has ended: it was finished already (the browser's Back button leads here after it), or left open too long.";
  return renderPage('This sign-in page has expired', `<p>${why}</p>\n<p>Go back to the app and sign in again.</p>${back}`);
}

interface ErrorAnswer {
  status: number;
  error: string;
  description: string;
}

/** What the client may see of an error from our own routes; details only go to the log. */
function describeError(error: unknown): ErrorAnswer | undefined {
  if (error instanceof errors.OIDCProviderError && error.expose) {
    return { status: error.status, error: error.error, description: error.error_description ?? error.error };
  }
  if (error instanceof FormBodyError) {
    return { status: error.status, error: 'invalid_request', description: error.message };
  }
  return undefined;
}

/**
 * Starts a local OpenID provider with a protected demo API and resolves once
 * it listens. For development and tests only.
 *
 * @example
 * import { startDevProvider, DEMO_ACCOUNTS } from 'tokenkeeper/dev-provider';
 *
 * const dev = await startDevProvider({
 *   port: 0, // any free port
 *   clients: [{ clientId: 'my-app', clientSecret: 'my-app-secret', redirectUris: ['http://localhost:3000/auth/toolkit/callback'] }],
 * });
 * console.log(`${dev.issuer}: sign in as ${DEMO_ACCOUNTS[0]!.username} (password: the same)`);
 * // … point your provider settings at dev.issuer; its API answers under `${dev.issuer}/api`
 * await dev.close();
 */
export async function startDevProvider(options: DevProviderOptions): Promise<DevProvider> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const { dataDir } = options;

  const keys = await loadOrCreateProviderKeys(dataDir);
  const store = dataDir === undefined
    ? ProviderStateStore.inMemory()
    : await ProviderStateStore.fromFile(join(dataDir, STATE_FILE_NAME));

  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }) : createServer();
  const port = await listen(server, options.port, host);
  const issuer = options.issuer ?? `${options.tls ? 'https' : 'http'}://localhost:${port}`;

  let provider: Provider;
  try {
    provider = new Provider(issuer, buildConfiguration({
      clients: options.clients,
      accessTokenTtl: options.accessTokenTtl ?? DEFAULT_ACCESS_TOKEN_TTL,
      refreshTokenTtl: options.refreshTokenTtl ?? DEFAULT_REFRESH_TOKEN_TTL,
      rotateRefreshTokens: options.rotateRefreshTokens ?? true,
      requireDpopNonce: options.requireDpopNonce ?? false,
      requirePushedAuthorizationRequests: options.requirePushedAuthorizationRequests ?? false,
      keys,
      adapter: createAdapterFactory(store),
    }));
  } catch (error) {
    await closeServer(server);
    throw error;
  }

  const stats = createStats();
  countProviderEvents(provider, stats);
  logTokenGrants(provider, logger);
  provider.on('server_error', (_ctx: unknown, err: Error) => {
    logger.warn({ err }, 'dev provider: unexpected error, answered server_error');
  });
  // A client that registered a backchannel_logout_uri and could not be told of a sign-out: its sessions there go on.
  provider.on('backchannel.error', (_ctx: unknown, err: Error, client: { clientId: string }) => {
    logger.warn({ clientId: client.clientId, reason: err.message }, 'dev provider: back-channel logout not delivered');
  });

  const providerCallback = provider.callback();

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req);
    const isApi = path === '/api' || path.startsWith('/api/');
    try {
      if (isApi) {
        stats.apiRequests += 1;
        await handleApiRequest(provider, req, res, path);
      } else if (path.startsWith(INTERACTION_PATH_PREFIX)) {
        await handleInteractionRequest(provider, req, res, path);
      } else {
        await providerCallback(req, res);
      }
    } catch (error) {
      let answer = describeError(error);
      if (!answer) {
        logger.warn({ err: error, path }, 'dev provider: unexpected error');
        answer = { status: 500, error: 'server_error', description: 'oops! something went wrong' };
      }
      if (res.headersSent) {
        res.destroy();
      } else if (isApi) {
        sendJson(res, answer.status, { error: answer.error, error_description: answer.description });
      } else if (error instanceof errors.SessionNotFound && path.startsWith(INTERACTION_PATH_PREFIX)) {
        sendHtml(res, answer.status, expiredInteractionPage(options.clients, answer.description.includes('cookie')));
      } else {
        sendHtml(res, answer.status, renderPage('Something went wrong', `<p><strong>error</strong>: ${escapeHtml(answer.error)}</p>
<p><strong>error_description</strong>: ${escapeHtml(answer.description)}</p>`));
      }
    }
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void route(req, res);
  });

  logger.info({ issuer, port, persistent: dataDir !== undefined }, 'dev provider listening');

  let closing: Promise<void> | undefined;
  const devProvider: DevProvider = {
    issuer,
    port,
    stats,
    close() {
      closing ??= (async () => {
        await closeServer(server);
        await store.flush();
      })();
      return closing;
    },
  };
  rememberOidcProvider(devProvider, provider);
  return devProvider;
}
