// The clients the app registered for itself at servers people signed in at,
// in the admin site: staff see where, for which callback and scopes, and
// when; the secret never.
import { expect, it } from 'vitest';
import { SqlClientRegistrationStore } from '../src/db/client-registration.repository.js';
import { describeEachDialect } from './support/postgres.js';
import { useAdminSite } from './support/admin-users.js';
import type { SignedInUser } from './support/signed-in.js';

describeEachDialect('registered clients in the admin site', (dialect) => {
  const { app, superuser, staff, member } = useAdminSite(dialect);

  const get = (url: string, user?: SignedInUser) => app().runtime.app.inject({ method: 'GET', url, headers: user ? { cookie: user.cookie } : {} });
  const store = () => new SqlClientRegistrationStore(app().runtime.database.db, app().runtime.cipher);
  const callback = 'http://localhost:3000/auth/fediverse/callback';

  it('lists each client with its provider, server, client id, scope and time, never its secret; searches by server or provider; shows one in detail', async () => {
    await store().keepClient('fediverse', 'https://mastodon.example/', { clientId: 'client-at-mastodon-example', clientSecret: 'secret-at-mastodon-example', redirectUri: callback, scope: 'profile' }, 1_800_000_000);
    await store().keepClient('fediverse', 'https://social.example/', { clientId: 'client-at-social-example', clientSecret: null, redirectUri: callback, scope: 'profile read:statuses' }, 1_800_000_100);

    const list = await get('/admin/registered-clients', staff);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('<code>client-at-mastodon-example</code>');
    expect(list.body).toContain('https://social.example/');
    expect(list.body).toContain('profile read:statuses');
    expect(list.body).toContain('href="/admin/registered-clients"');
    expect(list.body).not.toContain('secret-at-mastodon-example');
    // Newest first.
    expect(list.body.indexOf('client-at-social-example')).toBeLessThan(list.body.indexOf('client-at-mastodon-example'));

    const searched = await get(`/admin/registered-clients?q=${encodeURIComponent('https://mastodon.')}`, staff);
    expect(searched.body).toContain('client-at-mastodon-example');
    expect(searched.body).not.toContain('client-at-social-example');

    const id = /href="\/admin\/registered-clients\/([^"?]+)"/.exec(searched.body)?.[1];
    expect(id).toBeDefined();
    const detail = await get(`/admin/registered-clients/${id}`, superuser);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('kept, encrypted (never shown)');
    expect(detail.body).toContain(callback);
    expect(detail.body).not.toContain('secret-at-mastodon-example');
  });

  it('is for staff only', async () => {
    expect((await get('/admin/registered-clients', member)).statusCode).toBe(403);
    expect((await get('/admin/registered-clients')).statusCode).not.toBe(200);
  });
});
