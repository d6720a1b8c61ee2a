/**
 * The sign-in callback's parameters, and the relay page for a callback
 * posted with `response_mode=form_post` from the provider's site, without
 * the session cookie (see client/form-post-relay.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formPostParameters, formPostRelayPage, isRelayedFormPost } from '../client/form-post-relay.js';

/** The authorization response's parameters: the query of a GET, the form of a POST. */
export function callbackParameters(request: FastifyRequest): URLSearchParams {
  return request.method === 'POST' ? formPostParameters(request.body) : new URL(request.url, 'http://callback.invalid').searchParams;
}

/** Whether this POST is the one the relay page made. */
export function isRelayed(request: FastifyRequest): boolean {
  return isRelayedFormPost(request.body);
}

/** Answers with the page that posts the callback's parameters again, from this site. */
export function relayFormPost(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const page = formPostRelayPage(new URL(request.url, 'http://callback.invalid').pathname, callbackParameters(request));
  return reply.header('content-security-policy', page.contentSecurityPolicy).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page.html);
}
