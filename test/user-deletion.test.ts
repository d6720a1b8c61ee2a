import * as oidc from 'openid-client';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { deleteUserEverywhere } from '../src/core/user-deletion.js';
import { DIALECTS } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { CLIENT_ID, CLIENT_SECRET } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('deleting a user', () => {
  const { app, database } = useTestApp(DIALECTS[0]!);

  it('revokes their tokens at the provider, then deletes them with their accounts and sessions', async () => {
    const bob = await signedInUser(app(), 'bob');
    const stored = await app().runtime.tokenStore.findToken(bob.userId, 'toolkit');
    const result = await deleteUserEverywhere(
      { database: app().runtime.database, tokenStore: app().runtime.tokenStore, tokens: app().runtime.tokens, logger: pino({ level: 'silent' }), now: () => Math.floor(Date.now() / 1000) },
      bob.userId,
      null,
    );
    expect(result).toEqual({ deleted: true, revoked: ['toolkit'] });
    const config = await oidc.discovery(new URL(app().provider.issuer), CLIENT_ID, CLIENT_SECRET, undefined, { execute: [oidc.allowInsecureRequests] });
    await expect(oidc.refreshTokenGrant(config, stored!.refreshToken!)).rejects.toMatchObject({ error: 'invalid_grant' });
    for (const table of ['users', 'accounts', 'tokens', 'sessions'] as const) {
      const rows = await database().db.selectFrom(table).select('id').execute();
      expect(rows.length, table).toBe(0);
    }
    expect((await bob.browser.get('http://app.test/api/me')).status).toBe(401);
    const audit = await database().db.selectFrom('audit_log').select('event').where('target_id', '=', bob.userId).execute();
    expect(audit.map((a) => a.event)).toContain('user.deleted');
  });
});
