import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { hashSecret, parseServiceKey, sameHash } from '../../src/core/service-keys.js';

/** What the bare service answers every accepted request with. */
export const FIXED_TOKEN_ANSWER = { access_token: 'bench-fixed-access-token', token_type: 'bearer', expires_at: 4_102_444_800, scope: 'openid profile email' };

export interface BareService {
  url: string;
  close(): Promise<void>;
}

/**
 * The baseline of the service API's access-token call: a plain Fastify app
 * (no logger, no plugins) with the same route, which checks the bearer key
 * as Tokenkeeper does (its format, then the SHA-256 of its secret compared in
 * constant time, here with one hash held in memory) and answers a fixed JSON.
 * What it leaves out is Tokenkeeper's own work: reading the key, the user and
 * the token from the database, decryption, freshness, the audit log entry,
 * the security headers.
 */
export async function startBareService(key: string, port = 0): Promise<BareService> {
  const parsed = parseServiceKey(key);
  if (!parsed) throw new Error('bare service: not a service key');
  const expectedHash = hashSecret(parsed.secret);
  const app = Fastify({ logger: false });
  const BEARER = /^bearer +(\S+) *$/i;

  app.post('/api/v1/users/:id/connections/:provider/access-token', async (request, reply) => {
    const bearer = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const sent = bearer === undefined ? undefined : parseServiceKey(bearer);
    if (!sent || sent.id !== parsed.id || !sameHash(hashSecret(sent.secret), expectedHash)) {
      return reply.code(401).send({ error: 'invalid_service_key', message: 'The service key is not valid.' });
    }
    reply.header('cache-control', 'no-store');
    return FIXED_TOKEN_ANSWER;
  });

  await app.listen({ port, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: () => app.close(),
  };
}
