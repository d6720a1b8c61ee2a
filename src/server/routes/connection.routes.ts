import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { disconnectProvider } from '../../core/connections.js';
import { TokenkeeperError } from '../../client/errors.js';
import type { User } from '../../db/user.repository.js';
import type { AppDependencies } from '../dependencies.js';
import { layout } from '../views/layout.js';
import { apiResultPage } from '../views/pages.js';
import { currentUser } from './page.routes.js';

interface ProviderParams {
  provider: string;
}

const API_RESULT_PREVIEW_BYTES = 64 * 1024;

async function requireUser(request: FastifyRequest, deps: AppDependencies): Promise<User> {
  const user = currentUser(request);
  if (!user) throw new TokenkeeperError('unauthorized', 401, 'Sign in first.');
  return user;
}

/** The account page's actions on one connected provider: refresh now, disconnect, call its API. */
export async function connectionRoutes(app: FastifyInstance, deps: AppDependencies): Promise<void> {
  app.post<{ Params: ProviderParams }>('/account/connections/:provider/refresh', async (request, reply) => {
    const user = await requireUser(request, deps);
    await deps.tokens.refresh(user.id, request.params.provider, { force: true });
    return reply.redirect('/account', 303);
  });

  const disconnect = async (request: FastifyRequest<{ Params: ProviderParams }>, reply: FastifyReply, answer: 'page' | 'json') => {
    const user = await requireUser(request, deps);
    const result = await disconnectProvider({ db: deps.database.db, tokens: deps.tokens, now: deps.now, ip: request.ip }, user.id, request.params.provider);
    if (!result.revokedAtProvider) request.log.warn({ provider: request.params.provider, reason: result.error }, 'tokens deleted without revocation at the provider');
    if (answer === 'json') return reply.send({ disconnected: true, revokedAtProvider: result.revokedAtProvider });
    return reply.redirect('/account', 303);
  };
  app.post<{ Params: ProviderParams }>('/account/connections/:provider/disconnect', (request, reply) => disconnect(request, reply, 'page'));
  app.delete<{ Params: ProviderParams }>('/account/connections/:provider', (request, reply) => disconnect(request, reply, 'json'));

  // "Call the API": a GET form, since reading from the provider changes nothing here.
  app.get<{ Params: ProviderParams; Querystring: { path?: unknown } }>('/account/connections/:provider/call', async (request, reply) => {
    const user = await requireUser(request, deps);
    const { provider } = request.params;
    const path = typeof request.query.path === 'string' ? request.query.path : '';
    const response = await deps.providerApi.fetch(user.id, provider, path, { headers: { accept: 'application/json' } });
    const text = await response.text();
    const preview = text.length > API_RESULT_PREVIEW_BYTES ? `${text.slice(0, API_RESULT_PREVIEW_BYTES)}\n…` : text;
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
          apiResultPage(displayName, path, response.status, pretty),
        ),
      );
  });
}
