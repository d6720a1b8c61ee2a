import type { RevocationRequest } from '../../src/client/provider-hooks.js';

/** One request a revoke hook sent, as it sent it. */
export interface SentRequest {
  url: string;
  init: Parameters<RevocationRequest['send']>[1];
}

/**
 * What a preset's revoke hook is given, with a `send` that records each
 * request in `sent` and answers it with `answer(url)` (called per request,
 * so each answer has a body of its own). Fields not given describe a live
 * access token ('live') with a refresh token ('refresh') of client 'c' / 's',
 * no API base, endpoint or headers, and nothing refused.
 */
export function revocationRequest(answer: (url: string) => Response, fields: Partial<Omit<RevocationRequest, 'send'>> = {}): { value: RevocationRequest; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const value: RevocationRequest = {
    clientId: 'c',
    clientSecret: 's',
    apiBaseUrl: undefined,
    apiHeaders: {},
    accessToken: 'live',
    accessTokenExpired: false,
    refreshTokenRefused: false,
    refreshToken: 'refresh',
    ...fields,
    send: async (url, init) => {
      sent.push({ url, init });
      return answer(url);
    },
  };
  return { value, sent };
}

/**
 * An answer of `status`: no body when `body` is left out, a string as it is,
 * anything else as JSON with its content type.
 */
export function answer(status: number, body?: unknown): () => Response {
  if (body === undefined) return () => new Response(null, { status });
  if (typeof body === 'string') return () => new Response(body, { status });
  return () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
