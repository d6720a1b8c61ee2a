import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { startDiscordEmulator, type DiscordEmulator, type DiscordUser } from './discord.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = '157730590492196864';
const CLIENT_SECRET = 'discord-test-secret';
const REDIRECT_URI = `${APP_ORIGIN}/auth/discord/callback`;

function person(id: string, username: string, globalName: string | null): DiscordUser {
  return { id, username, globalName, email: `${username}@discord.test`, verified: true };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function discordEnv(discord: DiscordEmulator): Record<string, string> {
  return presetEnv('discord', CLIENT_ID, CLIENT_SECRET, {
    DISCORD_AUTHORIZE_URL: `${discord.origin}/oauth2/authorize`,
    DISCORD_ACCESS_TOKEN_URL: `${discord.origin}/api/oauth2/token`,
    DISCORD_USERINFO_URL: `${discord.origin}/api/v10/users/@me`,
    DISCORD_REVOCATION_URL: `${discord.origin}/api/oauth2/token/revoke`,
    DISCORD_API_BASE_URL: `${discord.origin}/api/v10`,
  });
}

const DISCORD: StandardProvider<DiscordUser, DiscordEmulator> = {
  preset: 'discord',
  displayName: 'Discord',
  startEmulator: () => startDiscordEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: discordEnv,
  people: {
    cancelled: person('80351110224678917', 'cancelled', 'Cancelled'),
    'refused-code': person('80351110224678916', 'refused', 'Refused'),
    'wrong-secret': person('900', 'wrongsecret', 'Wrong'),
    'exchange-failure': person('901', 'outage', 'Outage'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Discord, against an emulator of Discord', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DISCORD);

  const signIn = (user: DiscordUser) => signInAs(context, 'discord', user);

  it('signs in as the snowflake id (not the username), with the display name, a verified e-mail and a 7-day token', async () => {
    const { database, emulator: discord, app } = context;
    const { userId, request } = await signIn(person('80351110224678912', 'nelly', 'Nelly'));
    expect(request.get('scope')).toBe('identify email');
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('80351110224678912');
    expect(JSON.parse(account.claims)).toMatchObject({ email_verified: true, verified: true });
    const user = await database.db.selectFrom('users').select(['username', 'name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ username: 'nelly', name: 'Nelly', email: 'nelly@discord.test' });
    const token = await app.runtime.tokenStore.findToken(userId, 'discord');
    expect(token).toMatchObject({ scope: 'identify email', refreshToken: expect.any(String) });
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(604_000);
    // The code was exchanged as a form, the client's credentials in it (no Basic header).
    const exchange = discord.server.requests.find((r) => r.path === '/api/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('a person without a display name gets none (the username stays the username)', async () => {
    const { database } = context;
    const { userId } = await signIn(person('80351110224678913', 'plain', null));
    const user = await database.db.selectFrom('users').select(['username', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ username: 'plain', name: null });
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, and the rotated refresh token is kept', async () => {
    const { emulator: discord } = context;
    const { browser, userId } = await signIn(person('80351110224678914', 'storm', 'Storm'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'discord', userId, () => browser.get(`${APP_ORIGIN}/api/providers/discord/proxy/oauth2/@me`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ scopes: ['identify', 'email'], user: { id: '80351110224678914' } });
    // Discord no longer takes the refresh token it rotated out.
    const replay = await fetch(`${discord.origin}/api/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: before.refreshToken!, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('disconnect revokes at Discord (RFC 7009): the whole authorization ends', async () => {
    const { emulator: discord } = context;
    const { browser, userId } = await signIn(person('80351110224678915', 'leaving', 'Leaving'));
    const stored = await expectDisconnectRevokes(context, 'discord', { browser, userId }, { requests: 2 });
    expect(discord.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, DISCORD, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(DISCORD, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
