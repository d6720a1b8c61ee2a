// Connect links against the Google emulator: incremental authorization with
// include_granted_scopes=true and the union of the granted, configured and
// extra scopes, as Google documents it
// (https://developers.google.com/identity/protocols/oauth2/web-server#incrementalAuth).
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { newServiceKey, serviceApiClient, type ServiceApiClient } from '../support/service-api.js';
import { startGoogleEmulator, type GoogleUser } from './google.emulator.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { useProviderTest } from './kit/standard-cases.js';

const CLIENT_ID = '123456789-test.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-test-secret';
const CLIENT = 'https://client.test';
const DRIVE = 'https://www.googleapis.com/auth/drive.readonly';

function person(sub: string, name: string): GoogleUser {
  return { sub, name, email: `${name.toLowerCase().replace(/ /g, '.')}@gmail.test`, emailVerified: true };
}

describeEachDialect('connect links at Google, against an emulator of Google', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startGoogleEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/google/callback` }),
    env: (google) => presetEnv('google', CLIENT_ID, CLIENT_SECRET, {
      GOOGLE_ISSUER: google.origin,
      GOOGLE_API_BASE_URL: google.origin,
      CONNECT_RETURN_ORIGINS: CLIENT,
    }),
  });
  let api: ServiceApiClient;
  let key: string;

  beforeAll(async () => {
    api = await serviceApiClient(context.app);
    key = await newServiceKey(context.app, 'drive-sync', ['connections:write']);
  });

  const createLink = async (body: Record<string, unknown>) => {
    const answer = await api.call({ method: 'POST', template: '/connect-links', key, body: { provider: 'google', scope: DRIVE, return_to: `${CLIENT}/back`, ...body } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.url as string;
  };
  const scopeOf = async (userId: string) => (await context.app.runtime.tokenStore.findToken(userId, 'google'))!.scope!.split(' ');

  it('reconnecting a signed-in user asks Google for the granted scopes plus Drive with include_granted_scopes=true, and stores what Google granted', async () => {
    const { emulator: google, app } = context;
    const ada = person('3001', 'Ada Lovelace');
    google.signInAs(ada);
    const browser = app.browser();
    const signedIn = await browser.get(`${APP_ORIGIN}/login/google?next=/api/me`);
    const userId = (JSON.parse(signedIn.text) as { user: { id: string } }).user.id;
    const granted = await scopeOf(userId);
    expect(granted).not.toContain(DRIVE);

    const landed = await browser.get(await createLink({ user_id: userId }), { stopAt: CLIENT });
    expect(landed.location).toBe(`${CLIENT}/back?status=connected`);
    const request = google.authorizationRequests.at(-1)!;
    expect(request.get('include_granted_scopes')).toBe('true');
    expect(request.get('access_type')).toBe('offline');
    expect(request.get('scope')!.split(' ').sort()).toEqual([...new Set([...granted, 'openid', 'email', 'profile', DRIVE])].sort());
    const stored = await scopeOf(userId);
    expect(stored).toContain(DRIVE);
    expect(stored).toContain('https://www.googleapis.com/auth/userinfo.email');
    // Still one grant holding a refresh token, and it is stored.
    expect((await app.runtime.tokenStore.findToken(userId, 'google'))!.refreshToken).toEqual(expect.any(String));
  });

  it('an external_id no user has: a new Google user gets it, with the Drive scope granted', async () => {
    const { database, emulator: google, app } = context;
    google.signInAs(person('3002', 'Grace Hopper'));
    const browser = app.browser();
    const landed = await browser.get(await createLink({ external_id: 'acct_grace' }), { stopAt: CLIENT });
    expect(landed.location).toBe(`${CLIENT}/back?status=connected`);
    expect(google.authorizationRequests.at(-1)!.get('include_granted_scopes')).toBe('true');
    const user = await database.db.selectFrom('users').select(['id', 'email']).where('external_id', '=', 'acct_grace').executeTakeFirstOrThrow();
    expect(user.email).toBe('grace.hopper@gmail.test');
    expect(await scopeOf(user.id)).toContain(DRIVE);
  });

  it('an ordinary sign-in sends no include_granted_scopes', async () => {
    const { emulator: google, app } = context;
    google.signInAs(person('3003', 'Alan Turing'));
    await app.browser().get(`${APP_ORIGIN}/login/google?next=/api/me`);
    expect(google.authorizationRequests.at(-1)!.has('include_granted_scopes')).toBe(false);
  });
});
