import type { FastifyInstance } from 'fastify';
import { loadAccountView } from '../account-view.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { safeNextPath } from '../../client/safe-next.js';
import { layout } from '../views/layout.js';
import { accountPage, homeSignedIn, signInPage } from '../views/pages.js';
import { connectOutcome } from '../views/connect-outcome.js';
import { STYLESHEET } from '../views/stylesheet.js';
import { currentUser } from '../current-user.js';

/** GET /, GET /account and the stylesheet (/healthz and /readyz: health.routes.ts). */
export async function pageRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  app.get('/', async (request, reply) => {
    const user = currentUser(request);
    const next = (request.query as Record<string, unknown>).next;
    const nextPath = next === undefined ? null : safeNextPath(next, deps.config.baseUrl);
    // Signed out on the way back from a connect link (its sign-in refused, say): the outcome rides in `next`.
    const notice = nextPath === null ? null : connectOutcome(new URL(nextPath, deps.config.baseUrl).searchParams);
    const body = user ? homeSignedIn(user.name ?? user.username) : signInPage(deps.registry.list(), nextPath, notice);
    // Signed in, the page names the user and holds the session's CSRF token (the sign-out form): no cache may keep it.
    reply.header('cache-control', 'no-store');
    return reply.type('text/html; charset=utf-8').send(
      layout({ title: user ? 'Home' : 'Sign in', signedInAs: user ? (user.name ?? user.username) : null, csrfToken: request.session?.csrfToken ?? null }, body),
    );
  });

  app.get('/account', async (request, reply) => {
    const user = currentUser(request);
    const search = new URL(request.url, deps.config.baseUrl).search;
    // The query rides along: a connect link's outcome (connectOutcome) is shown once signed in, or on the sign-in page.
    if (!user) return reply.redirect(`/?next=${encodeURIComponent(`/account${search}`)}`, 303);
    const view = await loadAccountView(deps.database.db, deps.tokenStore, deps.registry, user);
    const notice = [await app.sessions.takeFlash(request), connectOutcome(new URLSearchParams(search))].filter((n) => n !== null).join(' ') || null;
    reply.header('cache-control', 'no-store');
    return reply
      .type('text/html; charset=utf-8')
      .send(layout({ title: 'Account', signedInAs: user.name ?? user.username, csrfToken: request.session?.csrfToken ?? null }, accountPage(view, deps.now(), request.session?.csrfToken ?? '', notice)));
  });

  app.get('/static/style.css', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    return reply.type('text/css; charset=utf-8').send(STYLESHEET);
  });

  // Browsers ask for it on every first visit; an empty answer keeps it out of the 404 log.
  app.get('/favicon.ico', async (_request, reply) => reply.header('cache-control', 'public, max-age=86400').code(204).send());
}
