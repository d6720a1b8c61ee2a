import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ProviderUnavailableError, TokenkeeperError } from '../client/errors.js';
import { installErrorHandlers } from './error-handler.js';
import { createLogger } from './logger.js';

const CONNECT_SECRET = 'u8HleUZF6vQ2m4yXcR1nT7aKp0sWbE3dLgJ9fHiOqZ5';

/** An app with the real logger writing into `lines`, and routes that throw what the app's routes throw. */
async function appLoggingTo(lines: string[]) {
  const app = Fastify({ loggerInstance: createLogger('info', { write: (line: string) => void lines.push(line) }) as FastifyBaseLogger });
  installErrorHandlers(app);
  app.get('/needs-reauth', async () => {
    throw new TokenkeeperError('needs_reauth', "This user's Toolkit connection needs a new sign-in.", {
      details: { reconnect_url: `http://localhost:3000/connect/${CONNECT_SECRET}` },
    });
  });
  app.get('/unavailable', async () => {
    throw new ProviderUnavailableError('provider_unavailable', 'Toolkit is not answering.', { cause: new Error('connect ECONNREFUSED 127.0.0.1:4000'), retryAfterSeconds: 30 });
  });
  await app.ready();
  return app;
}

describe('the error handler’s log lines', () => {
  it('a refusal of the caller: its code and message, without a stack or its details (a reconnect_url holds a connect link’s secret)', async () => {
    const lines: string[] = [];
    const app = await appLoggingTo(lines);
    const answer = await app.inject({ method: 'GET', url: '/needs-reauth', headers: { accept: 'application/json' } });
    expect(answer.statusCode).toBe(401);
    expect(answer.json().reconnect_url).toContain(CONNECT_SECRET);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.code === 'needs_reauth');
    expect(logged).toMatchObject({ level: 30, msg: "This user's Toolkit connection needs a new sign-in." });
    expect(lines.join('\n')).not.toContain(CONNECT_SECRET);
    expect(lines.join('\n')).not.toContain('"stack"');
    await app.close();
  });

  it('a fault upstream: a warning with its cause, for whoever investigates', async () => {
    const lines: string[] = [];
    const app = await appLoggingTo(lines);
    const answer = await app.inject({ method: 'GET', url: '/unavailable' });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('30');
    const logged = lines.map((line) => JSON.parse(line) as { level: number; code?: string; err?: { message: string } }).find((line) => line.code === 'provider_unavailable');
    expect(logged?.level).toBe(40);
    expect(logged?.err?.message).toBe('connect ECONNREFUSED 127.0.0.1:4000');
    await app.close();
  });
});
