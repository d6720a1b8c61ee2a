import type { IncomingMessage, ServerResponse } from 'node:http';

import type Provider from 'oidc-provider';
import type { AccessToken } from 'oidc-provider';

import { findAccountBySub, type DemoAccount } from './accounts.js';
import { sendJson } from './http-io.js';

/**
 * A small resource server standing in for "another web app's API": it accepts
 * the dev provider's own opaque access tokens (RFC 6750 bearer tokens in the
 * Authorization header only).
 */
export const API_PATH_PREFIX = '/api/';

const REALM = 'tokenkeeper-dev-provider';

export interface DemoNote {
  id: string;
  title: string;
  body: string;
}

const DEMO_NOTES: Record<string, DemoNote[]> = {
  alice: [
    { id: 'alice-1', title: 'Tea party', body: 'Ask the Hatter why a raven is like a writing-desk.' },
    { id: 'alice-2', title: 'Shopping', body: 'A bottle labelled DRINK ME, and some cake.' },
  ],
  bob: [
    { id: 'bob-1', title: 'Can we fix it?', body: 'Yes we can.' },
    { id: 'bob-2', title: 'Site visit', body: 'Check the scaffolding on Monday.' },
  ],
  mallory: [
    { id: 'mallory-1', title: '<script>alert("note")</script>', body: '<b>bold</b> & "quoted"' },
  ],
};

export function notesOf(account: DemoAccount): DemoNote[] {
  return DEMO_NOTES[account.username] ?? [];
}

interface ApiRoute {
  /** A scope the access token must carry (403 insufficient_scope otherwise). */
  requiredScope?: string;
  respond(account: DemoAccount): unknown;
}

const ROUTES: Record<string, ApiRoute> = {
  '/api/profile': {
    respond: (account) => ({
      sub: account.sub,
      name: account.name,
      email: account.email,
      preferred_username: account.username,
    }),
  },
  '/api/notes': {
    requiredScope: 'notes:read',
    respond: (account) => ({ notes: notesOf(account) }),
  },
};

/** RFC 6750 §2.1; anything else (another scheme, two tokens) is not a bearer token. */
const BEARER_HEADER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

function refuse(res: ServerResponse, status: 401 | 403, error: string | undefined, description: string, scope?: string): void {
  // RFC 6750 §3.1: no error code when the request carried no token at all.
  const challenge = [`realm="${REALM}"`];
  if (error) challenge.push(`error="${error}"`, `error_description="${description}"`);
  if (scope) challenge.push(`scope="${scope}"`);
  sendJson(res, status, { error: error ?? 'unauthorized', error_description: description }, {
    'WWW-Authenticate': `Bearer ${challenge.join(', ')}`,
  });
}

async function findValidAccessToken(provider: Provider, value: string): Promise<AccessToken | undefined> {
  let token: AccessToken | undefined;
  try {
    token = await provider.AccessToken.find(value);
  } catch {
    // A malformed value is just an invalid token.
    return undefined;
  }
  // RFC 9449 §7.2: a token bound to a key by DPoP is no bearer token, and this API checks no proofs.
  if (!token || token.isExpired || token.isSenderConstrained()) return undefined;
  return token;
}

/** Handles a request under /api/. */
export async function handleApiRequest(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  const route = ROUTES[pathname];
  if (!route) {
    sendJson(res, 404, { error: 'not_found', error_description: 'no such API endpoint' });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { error: 'method_not_allowed', error_description: 'use GET' }, { Allow: 'GET, HEAD' });
    return;
  }

  const authorization = req.headers.authorization;
  if (!authorization || !/^Bearer\s/i.test(authorization)) {
    refuse(res, 401, undefined, 'a bearer access token is required');
    return;
  }
  const value = BEARER_HEADER.exec(authorization)?.[1];
  const token = value ? await findValidAccessToken(provider, value) : undefined;
  const account = token ? findAccountBySub(token.accountId) : undefined;
  if (!token || !account) {
    refuse(res, 401, 'invalid_token', 'the access token is invalid, expired or revoked');
    return;
  }
  if (route.requiredScope && !token.scopes.has(route.requiredScope)) {
    refuse(res, 403, 'insufficient_scope', `the access token lacks the ${route.requiredScope} scope`, route.requiredScope);
    return;
  }

  sendJson(res, 200, route.respond(account));
}
