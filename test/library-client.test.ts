import { describe, expect, it } from 'vitest';
import { createClient, type TokenEvent } from '../src/client/index.js';
import { parseEncryptionKeys, SqlTokenStore, TokenCipher } from '../src/db/index.js';
import { DIALECTS } from './support/postgres.js';
import { expireStoredAccessToken, signedInUser } from './support/signed-in.js';
import { TEST_ENCRYPTION_KEY } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('the client library on its own (createClient + a TokenStore)', () => {
  const { app, database } = useTestApp(DIALECTS[0]!);

  it('calls the API on a user\'s behalf, refreshing first, and reports the refresh to listeners', async () => {
    const alice = await signedInUser(app(), 'alice');
    const client = createClient({
      providers: app().config.providers,
      store: new SqlTokenStore(database().db, new TokenCipher(parseEncryptionKeys(TEST_ENCRYPTION_KEY))),
    });
    const events: TokenEvent[] = [];
    client.on((event) => {
      events.push(event);
    });
    try {
      await expireStoredAccessToken(database(), alice.userId);
      const response = await client.fetch(alice.userId, 'toolkit', '/profile');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ name: 'Alice Liddell' });
      expect(events).toEqual([expect.objectContaining({ type: 'token.refreshed', userId: alice.userId, provider: 'toolkit', refreshTokenRotated: true })]);
      const token = await client.getAccessToken(alice.userId, 'toolkit');
      expect(token.expiresAt).toBeGreaterThan(Math.floor(Date.now() / 1000));
      expect(JSON.stringify(events)).not.toContain(token.accessToken);
    } finally {
      await client.close();
    }
  });

  it('usableAccessToken: the stored token when it can be used as it is, undefined when it needs a refresh, the same errors as getAccessToken otherwise', async () => {
    const bob = await signedInUser(app(), 'bob');
    const tokens = app().runtime.tokens;
    const stored = (await app().runtime.tokenStore.findToken(bob.userId, 'toolkit'))!;
    expect(tokens.usableAccessToken('toolkit', stored)).toEqual(await tokens.getAccessToken(bob.userId, 'toolkit'));

    await expireStoredAccessToken(database(), bob.userId);
    const expired = (await app().runtime.tokenStore.findToken(bob.userId, 'toolkit'))!;
    expect(tokens.usableAccessToken('toolkit', expired)).toBeUndefined();

    expect(() => tokens.usableAccessToken('toolkit', null)).toThrow(expect.objectContaining({ code: 'not_connected' }));
    expect(() => tokens.usableAccessToken('toolkit', { ...stored, status: 'needs_reauth' })).toThrow(expect.objectContaining({ code: 'needs_reauth' }));
    expect(() => tokens.usableAccessToken('nope', stored)).toThrow();
  });
});
