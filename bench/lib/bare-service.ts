import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { hashSecret, parseServiceKey, sameHash } from '../../src/core/service-keys.js';
import { writeAuditEventBatched } from '../../src/db/audit-batch.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

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
 *
 * With `auditDatabaseUrl` it also writes the audit entry Tokenkeeper writes
 * for every token handed out, the same way (Tokenkeeper's tables, its group
 * commit, committed before the answer), on a database of its own: what
 * remains between the two is the rest of Tokenkeeper's work.
 */
export async function startBareService(key: string, port = 0, auditDatabaseUrl?: string): Promise<BareService> {
  const parsed = parseServiceKey(key);
  if (!parsed) throw new Error('bare service: not a service key');
  const expectedHash = hashSecret(parsed.secret);
  let database: Database | undefined;
  if (auditDatabaseUrl) {
    database = await openDatabase(auditDatabaseUrl);
    await migrateToLatest(database);
  }
  const app = Fastify({ logger: false });
  const BEARER = /^bearer +(\S+) *$/i;

  app.post<{ Params: { id: string; provider: string } }>('/api/v1/users/:id/connections/:provider/access-token', async (request, reply) => {
    const bearer = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const sent = bearer === undefined ? undefined : parseServiceKey(bearer);
    if (!sent || sent.id !== parsed.id || !sameHash(hashSecret(sent.secret), expectedHash)) {
      return reply.code(401).send({ error: 'invalid_service_key', message: 'The service key is not valid.' });
    }
    if (database) {
      // The entry Tokenkeeper's service API writes (core/service-api.ts), with the fixed answer's expiry.
      await writeAuditEventBatched(database.db, {
        event: 'service.token_issued',
        actorUserId: null,
        targetType: 'user',
        targetId: request.params.id,
        ip: request.ip,
        detail: { service: 'bench', service_key_id: parsed.id, provider: request.params.provider, expires_at: FIXED_TOKEN_ANSWER.expires_at },
        at: Math.floor(Date.now() / 1000),
      });
    }
    reply.header('cache-control', 'no-store');
    return FIXED_TOKEN_ANSWER;
  });

  await app.listen({ port, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: async () => {
      await app.close();
      await database?.close();
    },
  };
}
