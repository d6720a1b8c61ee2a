// The headers a provider's API needs beyond the proxies' general allowlists
// (<NAME>_PROXY_REQUEST_HEADERS and _PROXY_RESPONSE_HEADERS, and the presets'
// own lists): sent on and passed back by the browser proxy and the service
// API's proxy alike, and nothing else besides.
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, newServiceKey } from './support/service-api.js';
import { useEchoApiApp } from './support/use-echo-api-app.js';

/** Notion's API, configured by hand, wants `Notion-Version` on every call (https://developers.notion.com/reference/versioning). */
const NEEDED = { 'notion-version': '2022-06-28', 'x-request-tag': 'nightly-sync' };
const NOT_LISTED = { 'x-custom': 'stays here', 'x-forwarded-for': '10.0.0.1' };

const withHeaders = (headers: Record<string, string>) => {
  const query = new URLSearchParams({ status: '200' });
  for (const [name, value] of Object.entries(headers)) query.append('set', `${name}: ${value}`);
  return `with-headers?${query}`;
};

describe("a provider's own proxy headers", () => {
  let key: string;

  const { app, api, alice } = useEchoApiApp({
    env: { TOOLKIT_PROXY_REQUEST_HEADERS: 'Notion-Version, X-Request-Tag', TOOLKIT_PROXY_RESPONSE_HEADERS: 'X-Request-Id' },
  });
  beforeAll(async () => {
    key = await newServiceKey(app(), 'sync', ALL_PERMISSIONS);
  });

  const callers = {
    'the browser proxy': (path: string, headers: Record<string, string>) =>
      app().runtime.app.inject({ method: 'GET', url: `/api/providers/toolkit/proxy/${path}`, headers: { ...headers, cookie: alice().cookie } }),
    "the service API's proxy": (path: string, headers: Record<string, string>) =>
      app().runtime.app.inject({ method: 'GET', url: `/api/v1/users/${alice().userId}/connections/toolkit/proxy/${path}`, headers: { ...headers, authorization: `Bearer ${key}` } }),
  };

  it.each(Object.keys(callers) as Array<keyof typeof callers>)('%s sends the listed request headers on, and no other', async (caller) => {
    const answer = await callers[caller]('items', { ...NEEDED, ...NOT_LISTED, prefer: 'return=minimal', 'idempotency-key': 'a1b2' });
    expect(answer.statusCode).toBe(200);
    const sent = api().requests.at(-1)!.headers;
    for (const [name, value] of Object.entries(NEEDED)) expect(sent[name], name).toBe(value);
    // RFC 7240's Prefer and an Idempotency-Key go to every provider.
    expect(sent.prefer).toBe('return=minimal');
    expect(sent['idempotency-key']).toBe('a1b2');
    for (const name of Object.keys(NOT_LISTED)) expect(sent[name], name).toBeUndefined();
  });

  it.each(Object.keys(callers) as Array<keyof typeof callers>)('%s passes the listed answer headers back, and no other', async (caller) => {
    const answer = await callers[caller](withHeaders({ 'x-request-id': 'req-77', 'x-other-id': 'no', 'preference-applied': 'return=minimal' }), {});
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['x-request-id']).toBe('req-77');
    expect(answer.headers['preference-applied']).toBe('return=minimal');
    expect(answer.headers['x-other-id']).toBeUndefined();
  });
});
