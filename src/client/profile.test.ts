import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readProfile } from './profile.js';
import type { ProfileReader } from './provider-hooks.js';
import type { ProviderSettings } from './provider-settings.js';

interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A userinfo (and user API) server on 127.0.0.1: each path answers what the test set, 404 otherwise. */
let server: Server;
let origin: string;
let answers: Record<string, Answer> = {};
let requests: Array<{ path: string; method: string; headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      const answer = answers[req.url ?? ''] ?? { status: 404 };
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answers = {};
  requests = [];
});

const json = (body: unknown, status = 200): Answer => ({ status, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** `null`: a provider whose metadata names no userinfo endpoint. */
function configuration(userinfo: string | null = `${origin}/userinfo`): oidc.Configuration {
  const config = new oidc.Configuration({ issuer: origin, ...(userinfo ? { userinfo_endpoint: userinfo } : {}) }, 'client-1');
  oidc.allowInsecureRequests(config);
  return config;
}

function settings(overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return { name: 'acme', displayName: 'Acme', clientId: 'client-1', clientSecret: 'secret', tokenEndpointAuthMethod: 'client_secret_basic', scope: 'read', allowInsecureHttp: true, ...overrides };
}

describe('readProfile without an ID token (a plain OAuth 2.0 user API)', () => {
  it('reads the JSON profile with the access token, the API headers and Accept: application/json', async () => {
    answers['/userinfo'] = json({ id: 42, login: 'ada', email: 'ada@acme.test' });
    const profile = await readProfile(configuration(), settings({ apiHeaders: { 'user-agent': 'Tokenkeeper' } }), 'at-1', undefined);
    expect(profile).toEqual({ claims: { id: 42, login: 'ada', email: 'ada@acme.test' }, foundEmail: null });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers).toMatchObject({ authorization: 'Bearer at-1', accept: 'application/json', 'user-agent': 'Tokenkeeper' });
  });

  it('reads a user API on the connection’s own host (connectionApiBase.userinfoPath) when no userinfo endpoint is configured; a configured one wins', async () => {
    answers['/company-7/api/v1/users/me'] = json({ data: { id: 7 } });
    const perConnection = settings({ connectionApiBase: { member: 'api_domain', domains: ['127.0.0.1'], userinfoPath: '/api/v1/users/me' } });
    const read = await readProfile(configuration(null), perConnection, 'at-1', undefined, {}, `${origin}/company-7`);
    expect(read.claims).toEqual({ data: { id: 7 } });
    expect(requests.map((r) => r.path)).toEqual(['/company-7/api/v1/users/me']);
    answers['/userinfo'] = json({ id: 8 });
    expect((await readProfile(configuration(), perConnection, 'at-1', undefined, {}, `${origin}/company-7`)).claims).toEqual({ id: 8 });
  });

  it('gives hooks the connection’s own API origin, when the token answer named one, as the API base', async () => {
    answers['/userinfo'] = json({ id: 9 });
    let seen: string | undefined;
    const hooks = {
      readMoreClaims: (reader: ProfileReader) => {
        seen = reader.apiBaseUrl;
        return Promise.resolve({});
      },
    };
    await readProfile(configuration(), settings({ apiBaseUrl: 'https://api.acme.test', hooks }), 'at-1', undefined, {}, 'https://company.acme.test');
    expect(seen).toBe('https://company.acme.test');
    await readProfile(configuration(), settings({ apiBaseUrl: 'https://api.acme.test', hooks }), 'at-1', undefined);
    expect(seen).toBe('https://api.acme.test');
  });

  it('reads a GraphQL user API with a POST of the userinfoPostJson body, the access token and the API headers', async () => {
    answers['/graphql'] = json({ data: { viewer: { id: 'u-1', name: 'Ada' } } });
    const query = { query: '{ viewer { id name } }' };
    const read = await readProfile(configuration(`${origin}/graphql`), settings({ userinfoPostJson: query, apiHeaders: { 'user-agent': 'Tokenkeeper' } }), 'at-1', undefined);
    expect(read.claims).toEqual({ data: { viewer: { id: 'u-1', name: 'Ada' } } });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', body: JSON.stringify(query) });
    expect(requests[0]!.headers).toMatchObject({ authorization: 'Bearer at-1', accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'Tokenkeeper' });
    // Without it, the same user API is a GET with no body.
    await readProfile(configuration(`${origin}/graphql`), settings(), 'at-1', undefined);
    expect(requests[1]).toMatchObject({ method: 'GET', body: '' });
    expect(requests[1]!.headers['content-type']).toBeUndefined();
  });

  it('takes the claims a profileClaims hook finds in the answer', async () => {
    answers['/userinfo'] = json({ data: { id: '7', name: 'Ada' } });
    const hooks = { profileClaims: (body: unknown) => (body as { data: Record<string, unknown> }).data };
    expect((await readProfile(configuration(), settings({ hooks }), 'at', undefined)).claims).toEqual({ id: '7', name: 'Ada' });
  });

  it.each([
    ['a hook that throws', { profileClaims: () => { throw new Error('no data'); } }, json({})],
    ['a hook that finds no object', { profileClaims: () => undefined }, json({})],
    ['an answer that is an array', undefined, json([1, 2])],
  ])('%s is provider_bad_response: no profile', async (_name, hooks, answer) => {
    answers['/userinfo'] = answer;
    await expect(readProfile(configuration(), settings({ hooks }), 'at', undefined)).rejects.toMatchObject({
      code: 'provider_bad_response',
      status: 502,
      message: 'Acme did not answer the userinfo request with a profile.',
    });
  });

  it.each<[number, string, string]>([
    [500, 'provider_error', 'Acme failed the userinfo request (HTTP 500).'],
    [503, 'provider_unavailable', 'Acme is temporarily unavailable (HTTP 503) for the userinfo request.'],
    [400, 'provider_bad_response', 'Acme refused the userinfo request (HTTP 400: no).'],
    [401, 'provider_bad_response', 'Acme refused the userinfo request (HTTP 401: no).'],
  ])('an HTTP %i is %s', async (status, code, message) => {
    answers['/userinfo'] = { status, body: 'no' };
    await expect(readProfile(configuration(), settings(), 'at', undefined)).rejects.toMatchObject({ code, message });
  });

  it('a 403 or 404 for the profile itself names its status, and for a 404 the URL (a wrong user URL), not "no profile"', async () => {
    answers['/userinfo'] = { status: 403 };
    await expect(readProfile(configuration(), settings(), 'at', undefined)).rejects.toMatchObject({
      code: 'provider_bad_response',
      status: 502,
      message: 'Acme refused the userinfo request (HTTP 403).',
    });
    answers['/userinfo'] = { status: 404, body: '<html>Not Found</html>', headers: { 'content-type': 'text/html' } };
    await expect(readProfile(configuration(), settings(), 'at', undefined)).rejects.toMatchObject({
      code: 'provider_bad_response',
      status: 502,
      message: `Acme answered the userinfo request at ${origin}/userinfo with HTTP 404.`,
    });
  });

  it('a 401 with a WWW-Authenticate challenge is provider_error, the challenge\'s error kept as providerError', async () => {
    answers['/userinfo'] = { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    await expect(readProfile(configuration(), settings(), 'at', undefined)).rejects.toMatchObject({ code: 'provider_error', status: 502 });
  });

  it("a refusal gives the provider's own words, never the access token it may echo", async () => {
    const token = 'ya29.a0AfH6SMBx-echoed-token';
    answers['/userinfo'] = { status: 403, body: JSON.stringify({ message: `Token ${token} is not allowed for this app` }), headers: { 'content-type': 'application/json' } };
    await expect(readProfile(configuration(), settings(), token, undefined)).rejects.toMatchObject({
      code: 'provider_bad_response',
      message: 'Acme refused the userinfo request (HTTP 403: Token [access token] is not allowed for this app).',
    });
    answers['/userinfo'] = { status: 403, body: '<html><body>Forbidden</body></html>', headers: { 'content-type': 'text/html' } };
    await expect(readProfile(configuration(), settings(), token, undefined)).rejects.toMatchObject({ message: 'Acme refused the userinfo request (HTTP 403).' });
  });

  it('a 200 that is not JSON is provider_bad_response', async () => {
    answers['/userinfo'] = { status: 200, body: '<html>hello</html>', headers: { 'content-type': 'text/html' } };
    await expect(readProfile(configuration(), settings(), 'at', undefined)).rejects.toMatchObject({
      code: 'provider_bad_response',
      message: 'Acme answered the userinfo request with something that is not JSON.',
    });
  });

  it('with no userinfo endpoint there are no claims and nothing is requested', async () => {
    expect(await readProfile(configuration(null), settings(), 'at', undefined)).toEqual({ claims: {}, foundEmail: null });
    expect(requests).toHaveLength(0);
  });
});

describe('readProfile with the findEmail hook', () => {
  /** A hook that asks for each of `paths` in turn, keeping what getJson gave, and returns the first string it finds. */
  function findEmailReading(paths: string[], seen: unknown[]) {
    return {
      findEmail: async (reader: ProfileReader) => {
        expect(reader.userinfoEndpoint).toBe(`${origin}/userinfo`);
        for (const path of paths) {
          const body = await reader.getJson(`${origin}${path}`);
          seen.push(body);
          if (typeof body === 'string') return { email: body, verified: true };
        }
        return null;
      },
    };
  }

  it('runs when the profile has no e-mail: 403 and 404 are undefined (not visible to this token), 200 its JSON', async () => {
    answers['/userinfo'] = json({ id: 1 });
    answers['/forbidden'] = { status: 403 };
    answers['/emails'] = json('ada@acme.test');
    const seen: unknown[] = [];
    const profile = await readProfile(configuration(), settings({ hooks: findEmailReading(['/forbidden', '/missing', '/emails'], seen) }), 'at', undefined);
    expect(seen).toEqual([undefined, undefined, 'ada@acme.test']);
    expect(profile).toEqual({ claims: { id: 1 }, foundEmail: { email: 'ada@acme.test', verified: true } });
    expect(requests.slice(1).map((request) => request.headers.authorization)).toEqual(['Bearer at', 'Bearer at', 'Bearer at']);
  });

  it('a 500 while it reads is provider_error for the e-mail request', async () => {
    answers['/userinfo'] = json({ id: 1 });
    answers['/emails'] = { status: 500 };
    await expect(readProfile(configuration(), settings({ hooks: findEmailReading(['/emails'], []) }), 'at', undefined)).rejects.toMatchObject({
      code: 'provider_error',
      message: 'Acme failed the e-mail request (HTTP 500).',
    });
  });

  it('does not run when the profile has an e-mail, under the claim name configured', async () => {
    answers['/userinfo'] = json({ id: 1, mail: 'ada@acme.test' });
    const seen: unknown[] = [];
    const profile = await readProfile(configuration(), settings({ claimNames: { email: 'mail' }, hooks: findEmailReading(['/emails'], seen) }), 'at', undefined);
    expect(profile.foundEmail).toBeNull();
    expect(seen).toEqual([]);
  });

  it('runs when the e-mail claim is empty', async () => {
    answers['/userinfo'] = json({ id: 1, email: '' });
    const seen: unknown[] = [];
    await readProfile(configuration(), settings({ hooks: findEmailReading(['/missing'], seen) }), 'at', undefined);
    expect(seen).toEqual([undefined]);
  });
});

describe('readProfile with the readMoreClaims hook', () => {
  const readingTenants = {
    readMoreClaims: async (reader: ProfileReader) => {
      expect(reader.apiBaseUrl).toBe(`${origin}/api`);
      return { tenants: await reader.getJson(`${reader.apiBaseUrl}/connections`), id: 'not-the-subject' };
    },
  };

  it('adds what the hook read, with the token; userinfo’s own claims win', async () => {
    answers['/userinfo'] = json({ id: 1, email: 'ada@acme.test' });
    answers['/api/connections'] = json([{ tenantId: 't-1' }]);
    const profile = await readProfile(configuration(), settings({ apiBaseUrl: `${origin}/api`, hooks: readingTenants }), 'at', undefined);
    expect(profile.claims).toEqual({ id: 1, email: 'ada@acme.test', tenants: [{ tenantId: 't-1' }] });
    expect(requests.map((request) => request.headers.authorization)).toEqual(['Bearer at', 'Bearer at']);
  });

  it('a 500 from the other endpoint fails the sign-in as a profile request fault', async () => {
    answers['/userinfo'] = json({ id: 1 });
    answers['/api/connections'] = { status: 500 };
    await expect(readProfile(configuration(), settings({ apiBaseUrl: `${origin}/api`, hooks: readingTenants }), 'at', undefined)).rejects.toMatchObject({
      code: 'provider_error',
      message: 'Acme failed the profile request (HTTP 500).',
    });
  });
});

describe('readProfile at the base the readMoreClaims hook names (a profileMember rule with a userinfoPath)', () => {
  const regional = (domains: string[]) =>
    settings({
      apiBaseUrl: `${origin}/na`,
      connectionApiBase: { profileMember: 'api_base', domains, userinfoPath: '/users/me' },
      hooks: {
        readMoreClaims: async (reader: ProfileReader) => {
          expect(reader.apiBaseUrl).toBe(`${origin}/na`);
          return { api_base: ((await reader.getJson(`${reader.apiBaseUrl}/region`)) as { base: string }).base };
        },
      },
    });

  it('asks the hook first, at the configured API base, then reads the profile at the base it named; a configured userinfo endpoint is read as before', async () => {
    answers['/na/region'] = json({ base: `${origin}/eu` });
    answers['/eu/users/me'] = json({ id: 'p-1', name: 'Ada' });
    const read = await readProfile(configuration(null), regional(['127.0.0.1']), 'at', undefined);
    expect(read.claims).toEqual({ id: 'p-1', name: 'Ada', api_base: `${origin}/eu` });
    expect(requests.map((request) => `${request.path} ${request.headers.authorization}`)).toEqual(['/na/region Bearer at', '/eu/users/me Bearer at']);
    requests = [];
    answers['/userinfo'] = json({ id: 'p-1' });
    await readProfile(configuration(), regional(['127.0.0.1']), 'at', undefined);
    expect(requests.map((request) => request.path)).toEqual(['/userinfo', '/na/region']);
  });

  it.each([
    ['a base off the rule’s domains', 'https://api.elsewhere.test/eu', 'Acme named an API origin (api_base) outside its own domains; no token is sent there.'],
    ['no base', undefined, 'Acme did not name an API origin (api_base) for this connection; nothing was kept.'],
  ])('%s fails the sign-in before the token goes there', async (_name, base, message) => {
    answers['/na/region'] = json(base === undefined ? {} : { base });
    await expect(readProfile(configuration(null), regional(['127.0.0.1']), 'at', undefined)).rejects.toMatchObject({ code: 'provider_bad_response', message });
    expect(requests.map((request) => request.path)).toEqual(['/na/region']);
  });
});

describe('readProfile with the tokenAnswerClaims hook', () => {
  const keepingTheSite = { tokenAnswerClaims: (answer: Record<string, unknown>) => ({ blog_id: answer.blog_id, ID: 'not-the-subject' }) };

  it('adds what the hook took from the token answer, with no request of its own; userinfo’s own claims win', async () => {
    answers['/userinfo'] = json({ ID: 7, email: 'ada@acme.test' });
    const profile = await readProfile(configuration(), settings({ hooks: keepingTheSite }), 'at', undefined, { access_token: 'at', token_type: 'bearer', blog_id: '1234' });
    expect(profile.claims).toEqual({ ID: 7, email: 'ada@acme.test', blog_id: '1234' });
    expect(requests.map((request) => request.path)).toEqual(['/userinfo']);
  });
});

describe('readProfile with an ID token (OpenID Connect userinfo)', () => {
  it('reads userinfo whose sub is the ID token’s', async () => {
    answers['/userinfo'] = json({ sub: 'user-1', name: 'Ada' });
    expect(await readProfile(configuration(), settings(), 'at', 'user-1')).toEqual({ claims: { sub: 'user-1', name: 'Ada' }, foundEmail: null });
  });

  it('takes the claims a profileClaims hook reads from userinfo with other member names (Intuit’s camelCase), once its sub was checked', async () => {
    answers['/userinfo'] = json({ sub: 'user-1', givenName: 'Ada', emailVerified: true });
    const hooks = { profileClaims: (body: unknown) => ({ ...(body as Record<string, unknown>), given_name: (body as { givenName: string }).givenName }) };
    expect((await readProfile(configuration(), settings({ hooks }), 'at', 'user-1')).claims).toEqual({ sub: 'user-1', givenName: 'Ada', emailVerified: true, given_name: 'Ada' });
    answers['/userinfo'] = json({ sub: 'someone-else', givenName: 'Eve' });
    await expect(readProfile(configuration(), settings({ hooks }), 'at', 'user-1')).rejects.toMatchObject({ code: 'provider_bad_response' });
  });

  it('refuses userinfo for another subject (OIDC Core §5.3.4): provider_bad_response', async () => {
    answers['/userinfo'] = json({ sub: 'someone-else' });
    await expect(readProfile(configuration(), settings(), 'at', 'user-1')).rejects.toMatchObject({ code: 'provider_bad_response', status: 502 });
  });

  it('a failing userinfo endpoint is described as the provider fault it is', async () => {
    answers['/userinfo'] = { status: 502 };
    await expect(readProfile(configuration(), settings(), 'at', 'user-1')).rejects.toMatchObject({ code: 'provider_error', message: 'Acme failed the userinfo request (HTTP 502).' });
  });

  it('skipUserinfo: the ID token is the whole profile and nothing is requested', async () => {
    expect(await readProfile(configuration(), settings({ skipUserinfo: true }), 'at', 'user-1')).toEqual({ claims: {}, foundEmail: null });
    expect(requests).toHaveLength(0);
  });
});
