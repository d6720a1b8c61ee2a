import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TokenkeeperError } from '../../client/errors.js';
import { sameSecret } from './sessions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route takes state-changing requests without the CSRF token. */
    csrf?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function submittedToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | null | undefined;
  const field = body && typeof body === 'object' ? body._csrf : undefined;
  return typeof field === 'string' ? field : undefined;
}

/** Routes whose forms are shown on signed-in pages only: the account page's, sign-out, the admin site's (not its login). */
function isSignedInForm(route: string): boolean {
  return route.startsWith('/account/') || route === '/logout' || (route.startsWith('/admin/') && !route.startsWith('/admin/login'));
}

const SIGNED_OUT = 'You have been signed out since this page was shown (your session ended), so its form no longer works: sign in again, then try again.';
const FORM_EXPIRED = 'This form has expired or did not come from this site. Go back, reload the page and try again.';
// A script's call (the proxy), not a form: say what it must send, and where a page of this site has it.
const API_CALL_WITHOUT_TOKEN = "This call changes something, so it needs the X-CSRF-Token header: send the session's CSRF token, which every signed-in page holds in the _csrf field of its forms.";
const API_CALL_WRONG_TOKEN = "This call's X-CSRF-Token is not this session's CSRF token: read it again from a page of this site (the _csrf field of its forms), as it changes when you sign in again.";

/**
 * Synchronizer-token CSRF defence: every state-changing request must carry
 * the session's token (without a session, the one bound to the anonymous CSRF
 * cookie), in the `_csrf` form field or the `X-CSRF-Token` header.
 * Routes opt out with `config: { csrf: false }`: the form_post sign-in callback, whose state does that work.
 */
async function csrfPlugin(app: FastifyInstance): Promise<void> {
  // A callback hook, not an async one: every request passes it, and most are GETs it lets through at once.
  app.addHook('preHandler', (request, _reply, done) => {
    // A request no route takes changes nothing: it gets its 404, not a CSRF refusal that would hide the typo.
    if (SAFE_METHODS.has(request.method) || request.routeOptions.config.csrf === false || request.is404) return done();
    const route = request.routeOptions.url ?? '';
    // A script's call to the proxy without a session (it ended, or never was): there is no session to forge a request
    // for, and what the caller needs is to sign in, as a GET is told, not a CSRF refusal.
    if (!request.session && route.startsWith('/api/providers/')) return done(new TokenkeeperError('unauthorized', 'Sign in first.'));
    const token = submittedToken(request);
    const expected = app.sessions.expectedCsrfToken(request);
    if (!expected || !token || !sameSecret(token, expected)) {
      // A form only a signed-in page shows, carrying a token, posted without a session: that session has ended since.
      const signedOut = token !== undefined && !request.session && isSignedInForm(route);
      return done(new TokenkeeperError('csrf_failed', signedOut ? SIGNED_OUT : route.startsWith('/api/') ? (token === undefined ? API_CALL_WITHOUT_TOKEN : API_CALL_WRONG_TOKEN) : FORM_EXPIRED));
    }
    done();
  });
}

export default fp(csrfPlugin, { name: 'tokenkeeper-csrf', dependencies: ['tokenkeeper-sessions'] });
