import { describe, expect, it } from 'vitest';
import { readTokenEndpointBody, rebuiltAnswer } from './provider-hooks.js';

describe('readTokenEndpointBody', () => {
  it('reads a JSON object, keeping its text', async () => {
    const text = '{"access_token":"at","expires_in":"3600"}';
    expect(await readTokenEndpointBody(new Response(text, { headers: { 'content-type': 'application/json' } }))).toEqual({ text, fields: { access_token: 'at', expires_in: '3600' } });
  });

  it('reads a form-encoded body by its content type', async () => {
    const text = 'access_token=at&scope=repo%2Cuser&token_type=bearer';
    const answer = new Response(text, { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } });
    expect(await readTokenEndpointBody(answer)).toEqual({ text, fields: { access_token: 'at', scope: 'repo,user', token_type: 'bearer' } });
  });

  it('reads JSON whatever the content type says, but only an object', async () => {
    expect((await readTokenEndpointBody(new Response('{"error":"x"}', { headers: { 'content-type': 'text/plain' } }))).fields).toEqual({ error: 'x' });
    expect(await readTokenEndpointBody(new Response('["a"]'))).toEqual({ text: '["a"]', fields: undefined });
    expect(await readTokenEndpointBody(new Response('null'))).toEqual({ text: 'null', fields: undefined });
  });

  it('has no fields for a body that is neither JSON nor a form', async () => {
    expect(await readTokenEndpointBody(new Response('<html>Bad Gateway</html>', { status: 502 }))).toEqual({ text: '<html>Bad Gateway</html>', fields: undefined });
  });
});

describe('rebuiltAnswer', () => {
  const original = () =>
    new Response('old', {
      status: 200,
      statusText: 'OK',
      headers: { 'content-type': 'text/plain', 'content-length': '3', 'content-encoding': 'gzip', 'cache-control': 'no-store', 'x-request-id': 'r1' },
    });

  it('keeps the other headers, drops length and encoding (the new body is neither), and sets the content type given', async () => {
    const answer = rebuiltAnswer(original(), 200, '{"a":1}', 'application/json');
    expect(answer.status).toBe(200);
    expect(answer.statusText).toBe('OK');
    expect(Object.fromEntries(answer.headers)).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store', 'x-request-id': 'r1' });
    expect(await answer.text()).toBe('{"a":1}');
  });

  it('with another status drops the old status text, and without a content type keeps the old one', () => {
    const answer = rebuiltAnswer(original(), 400, 'x');
    expect(answer.status).toBe(400);
    expect(answer.statusText).toBe('');
    expect(answer.headers.get('content-type')).toBe('text/plain');
  });
});
