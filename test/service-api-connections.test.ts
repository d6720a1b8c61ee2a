// The service API's listing of connections (GET /api/v1/connections): every
// answer is checked against the OpenAPI document (see support/service-api.ts).
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './support/postgres.js';
import { ALL_PERMISSIONS, expectNoSecretIn, newServiceKey, serviceApiClient, toolkitConnectionOf, withSecondProvider, type ServiceApiClient } from './support/service-api.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

interface Listed {
  user_id: string;
  provider: string;
  status: string;
  user_is_active: boolean;
  external_id: string | null;
  subject: string | null;
}
interface Page {
  connections: Listed[];
  next_cursor: string | null;
}

describeEachDialect('service API: listing connections', (dialect) => {
  const { app, database } = useTestApp(dialect, { configure: withSecondProvider });
  let api: ServiceApiClient;
  let key: string;
  const people: SignedInUser[] = [];

  const saveSecond = async (userId: string) => {
    const now = Math.floor(Date.now() / 1000);
    await app().runtime.tokenStore.saveTokenSet(userId, 'second', { accessToken: `second-${userId}`, refreshToken: null, idToken: null, tokenType: 'bearer', scope: 'openid', expiresAt: now + 3600, issuedAt: now }, now);
  };

  /** Every page, following next_cursor, `limit` at a time. */
  const everyPage = async (query: Record<string, string>, limit: number, usingKey = key): Promise<Page[]> => {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const answer = await api.call({ method: 'GET', template: '/connections', query: { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) }, key: usingKey });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      pages.push(answer.body as Page);
      cursor = (answer.body as Page).next_cursor;
    } while (cursor !== null);
    return pages;
  };
  const pairs = (pages: Page[]) => pages.flatMap((page) => page.connections.map((c) => `${c.user_id}/${c.provider}`)).sort();

  beforeAll(async () => {
    api = await serviceApiClient(app());
    key = await newServiceKey(app(), 'everything', ALL_PERMISSIONS);
    for (const name of ['alice', 'bob', 'mallory']) people.push(await signedInUser(app(), name));
    await saveSecond(people[1]!.userId);
  });

  it('pages through every connection of every provider exactly once, with metadata only, never a token value', async () => {
    const pages = await everyPage({}, 2);
    expect(pages.map((page) => page.connections.length)).toEqual([2, 2]);
    const expected = [...people.map((person) => `${person.userId}/toolkit`), `${people[1]!.userId}/second`].sort();
    expect(pairs(pages)).toEqual(expected);
    const alice = pages.flatMap((page) => page.connections).find((c) => c.user_id === people[0]!.userId)!;
    const { connection, secrets } = await toolkitConnectionOf(app(), database(), people[0]!.userId);
    expect(alice).toEqual({ user_id: people[0]!.userId, external_id: null, user_is_active: true, ...connection });
    expectNoSecretIn(pages, [...secrets, 'second-']);
  });

  it('one provider, one status: needs_reauth lists whom to ask to reconnect; a deactivated user is marked', async () => {
    expect(pairs(await everyPage({ provider: 'second' }, 100))).toEqual([`${people[1]!.userId}/second`]);
    await database().db.updateTable('tokens').set({ status: 'needs_reauth' }).where('user_id', '=', people[2]!.userId).execute();
    await database().db.updateTable('users').set({ is_active: 0 }).where('id', '=', people[2]!.userId).execute();
    try {
      const [page] = await everyPage({ provider: 'toolkit', status: 'needs_reauth' }, 100);
      expect(page!.connections).toEqual([expect.objectContaining({ user_id: people[2]!.userId, status: 'needs_reauth', user_is_active: false })]);
      expect(pairs(await everyPage({ status: 'active' }, 100))).toHaveLength(3);
    } finally {
      await database().db.updateTable('tokens').set({ status: 'active' }).where('user_id', '=', people[2]!.userId).execute();
      await database().db.updateTable('users').set({ is_active: 1 }).where('id', '=', people[2]!.userId).execute();
    }
  });

  it('a connection removed while paging does not shift the pages: the others are each visited once; one added later is visited too', async () => {
    const before = (await everyPage({ provider: 'toolkit' }, 100))[0]!.connections.map((c) => c.user_id);
    expect(before).toHaveLength(3);
    const first = (await api.call({ method: 'GET', template: '/connections', query: { provider: 'toolkit', limit: '1' }, key })).body as Page;
    expect(first.connections.map((c) => c.user_id)).toEqual([before[0]]);
    // While the job works on the first page, the next connection in the order goes away, then comes back (a new row).
    await database().db.deleteFrom('tokens').where('user_id', '=', before[1]!).where('provider', '=', 'toolkit').execute();
    const now = Math.floor(Date.now() / 1000);
    await app().runtime.tokenStore.saveTokenSet(before[1]!, 'toolkit', { accessToken: 'again', refreshToken: null, idToken: null, tokenType: 'bearer', scope: 'openid', expiresAt: now + 3600, issuedAt: now }, now);
    const seen = [before[0]!];
    for (let cursor = first.next_cursor; cursor !== null; ) {
      const page = (await api.call({ method: 'GET', template: '/connections', query: { provider: 'toolkit', limit: '1', cursor }, key })).body as Page;
      seen.push(...page.connections.map((c) => c.user_id));
      cursor = page.next_cursor;
    }
    expect(seen).toEqual([before[0], before[2], before[1]]);
  });

  it('a key limited to some providers lists only theirs, and may not ask for another', async () => {
    const limited = await newServiceKey(app(), 'second-only', ['connections:read'], ['second']);
    expect(pairs(await everyPage({}, 100, limited))).toEqual([`${people[1]!.userId}/second`]);
    const refused = await api.call({ method: 'GET', template: '/connections', query: { provider: 'toolkit' }, key: limited });
    expect([refused.status, refused.body.error]).toEqual([403, 'provider_not_allowed']);
    const withoutPermission = await newServiceKey(app(), 'tokens-only', ['tokens:read']);
    const missing = await api.call({ method: 'GET', template: '/connections', key: withoutPermission });
    expect([missing.status, missing.body.error]).toEqual([403, 'missing_permission']);
  });

  it('an unknown provider is 404 unknown_provider; a bad limit, status or cursor is 400 bad_request naming it', async () => {
    const unknown = await api.call({ method: 'GET', template: '/connections', query: { provider: 'nope' }, key });
    expect([unknown.status, unknown.body.error]).toEqual([404, 'unknown_provider']);
    const queries: Array<Record<string, string>> = [{ limit: '0' }, { limit: '501' }, { limit: 'many' }, { limit: '1.5' }, { limit: '1e309' }, { limit: '-1e309' }, { status: 'revoked' }, { cursor: '' }, { cursor: 'None' }, { cursor: 'null' }, { cursor: 'zzz' }];
    for (const query of queries) {
      const answer = await api.call({ method: 'GET', template: '/connections', query, key });
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.body.error).toBe('bad_request');
      expect(answer.body.message).toContain(Object.keys(query)[0]);
    }
    const cursor = await api.call({ method: 'GET', template: '/connections', query: { cursor: 'None' }, key });
    expect(cursor.body.message).toBe('querystring.cursor must be next_cursor of the page before, as it came');
    // The message names what is allowed, not only that the value is not.
    const status = await api.call({ method: 'GET', template: '/connections', query: { status: 'revoked' }, key });
    expect(status.body.message).toBe('querystring.status must be one of: active, needs_reauth');
  });
});
