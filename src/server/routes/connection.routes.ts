import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { disconnectProvider } from '../../core/connections.js';
import { TokenkeeperError } from '../../client/errors.js';
import type { User } from '../../db/user.repository.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { layout } from '../views/layout.js';
import { absoluteTime } from '../views/format.js';
import { apiResultPage } from '../views/pages.js';
import { currentUser } from '../current-user.js';
import { fromAnotherSite } from '../fetch-metadata.js';
import { loginRateLimit } from './login-rate-limit.js';

interface ProviderParams {
  provider: string;
}

const API_RESULT_PREVIEW_BYTES = 64 * 1024;

async function requireUser(request: FastifyRequest, deps: Tokenkeeper): Promise<User> {
  const user = currentUser(request);
  if (!user) throw new TokenkeeperError('unauthorized', 'Sign in first.');
  return user;
}

/**
 * The first `limit` bytes of the answer, as UTF-8 text (a character cut in
 * two is left out), and whether there was more. The rest is never read: the
 * body is cancelled, so an endless or huge answer costs no more memory than
 * the page shows; nor is a slow one waited for past `deadlineMs`, so a body
 * that trickles in a byte at a time holds the page no longer than that.
 */
async function readPreview(response: Response, limit: number, deadlineMs: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === 'late') return { text: text + decoder.decode(), truncated: true };
      const { done, value } = next;
      if (done) return { text: text + decoder.decode(), truncated: false };
      const room = limit - received;
      if (value.byteLength > room) return { text: text + decoder.decode(value.subarray(0, room), { stream: true }), truncated: true };
      received += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
  }
}

/** The account page's actions on one connected provider: refresh now, disconnect, call its API. */
export async function connectionRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  app.post<{ Params: ProviderParams }>('/account/connections/:provider/refresh', { config: loginRateLimit(deps) }, async (request, reply) => {
    const user = await requireUser(request, deps);
    const refreshed = await deps.tokens.refresh(user.id, request.params.provider, { force: true });
    // The account page looks the same after a refresh but for two times: say what happened.
    const name = deps.registry.get(request.params.provider).settings.displayName;
    await app.sessions.setFlash(
      request,
      refreshed.expiresAt === null ? `Refreshed ${name}'s access token.` : `Refreshed ${name}'s access token: it expires ${absoluteTime(refreshed.expiresAt)}.`,
    );
    return reply.redirect('/account', 303);
  });

  const disconnect = async (request: FastifyRequest<{ Params: ProviderParams }>, reply: FastifyReply, answer: 'page' | 'json') => {
    const user = await requireUser(request, deps);
    const result = await disconnectProvider({ db: deps.database.db, tokens: deps.tokens, now: deps.now, ip: request.ip }, user.id, request.params.provider);
    if (!result.revokedAtProvider) request.log.warn({ provider: request.params.provider, reason: result.error }, 'tokens deleted without revocation at the provider');
    if (answer === 'json') return reply.send({ disconnected: true, revokedAtProvider: result.revokedAtProvider });
    const name = deps.registry.get(request.params.provider).settings.displayName;
    await app.sessions.setFlash(
      request,
      result.revokedAtProvider
        ? `Disconnected from ${name}: its tokens are revoked there and deleted here.`
        : `Disconnected from ${name}: its tokens are deleted here, but ${name} did not confirm their revocation (${result.error?.replace(/\.$/, '') ?? 'no answer'}), so they may work there until they expire. To end them now, remove this app's access in your ${name} account.`,
    );
    return reply.redirect('/account', 303);
  };
  app.post<{ Params: ProviderParams }>('/account/connections/:provider/disconnect', (request, reply) => disconnect(request, reply, 'page'));
  app.delete<{ Params: ProviderParams }>('/account/connections/:provider', { config: { replies: 'json' } }, (request, reply) => disconnect(request, reply, 'json'));

  // "Call the API": a GET form, since reading from the provider changes nothing here. Still, a link on another site
  // would have the person's browser call their provider's API with their token (and show what the API answered, on
  // this origin): a request a browser marks as coming from another site (Fetch Metadata) is refused.
  app.get<{ Params: ProviderParams; Querystring: { path?: unknown } }>('/account/connections/:provider/call', async (request, reply) => {
    if (fromAnotherSite(request)) {
      throw new TokenkeeperError('csrf_failed', 'Call the API from your account page: this request came from another site.');
    }
    const user = await requireUser(request, deps);
    const { provider } = request.params;
    const path = typeof request.query.path === 'string' ? request.query.path : '';
    const response = await deps.providerApi.fetch(user.id, provider, path, { headers: { accept: 'application/json' } });
    const { text, truncated } = await readPreview(response, API_RESULT_PREVIEW_BYTES, deps.config.providerTimeoutSeconds * 1000);
    const preview = truncated ? `${text}\n…` : text;
    let pretty = preview;
    try {
      pretty = JSON.stringify(JSON.parse(preview), null, 2);
    } catch {
      // Not JSON: shown as text.
    }
    const displayName = deps.registry.get(provider).settings.displayName;
    reply.header('cache-control', 'no-store');
    return reply
      .type('text/html; charset=utf-8')
      .send(
        layout(
          { title: `${displayName} API`, signedInAs: user.name ?? user.username, csrfToken: request.session?.csrfToken ?? null },
          apiResultPage(displayName, path, response.status, pretty, insufficientScope(response.headers.get('www-authenticate'))),
        ),
      );
  });
}

/**
 * A resource server's refusal for want of scope (RFC 6750 §3.1:
 * `WWW-Authenticate: Bearer error="insufficient_scope"`, with the scope it
 * needs when it says): the scope, '' when not said, null for any other answer.
 */
function insufficientScope(challenge: string | null): string | null {
  if (challenge === null || !/\berror="?insufficient_scope"?/i.test(challenge)) return null;
  return /\bscope="([^"]*)"/i.exec(challenge)?.[1]?.trim() ?? '';
}
