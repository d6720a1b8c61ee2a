import { describe, expect, it } from 'vitest';
import { withNullMembersDropped } from './token-answer-nulls.js';

const answer = (status: number, body: string, type = 'application/json') => new Response(body, { status, headers: { 'content-type': type } });

describe('withNullMembersDropped', () => {
  it('drops the optional members a successful answer sent as null, keeping the others in their order', async () => {
    const read = await withNullMembersDropped(
      answer(200, JSON.stringify({ access_token: 'at', expires_in: null, token_type: 'bearer', scope: null, refresh_token: null, id_token: null, refresh_token_expires_in: null, account_id: null })),
    );
    expect(read.status).toBe(200);
    expect(await read.text()).toBe('{"access_token":"at","token_type":"bearer","account_id":null}');
  });

  it('keeps a null access_token or token_type, which validation then refuses', async () => {
    const read = await withNullMembersDropped(answer(200, JSON.stringify({ access_token: null, token_type: null, scope: null })));
    expect(await read.json()).toEqual({ access_token: null, token_type: null });
  });

  it('drops the id_token too where the provider’s ID tokens go unread (idTokenUnused), and only there', async () => {
    const body = JSON.stringify({ access_token: 'at', token_type: 'bearer', id_token: 'eyJ.x.y', scope: 'openid read' });
    expect(await (await withNullMembersDropped(answer(200, body), { idTokenUnused: true })).json()).toEqual({ access_token: 'at', token_type: 'bearer', scope: 'openid read' });
    expect(await (await withNullMembersDropped(answer(200, body))).text()).toBe(body);
  });

  it('leaves an answer without null members, a refusal, and a body that is no object as they came', async () => {
    const plain = '{"access_token":"at","token_type":"bearer","scope":"read"}';
    expect(await (await withNullMembersDropped(answer(200, plain))).text()).toBe(plain);
    const refusal = answer(400, '{"error":"invalid_grant","scope":null}');
    expect(await withNullMembersDropped(refusal)).toBe(refusal);
    for (const body of ['null', '[]', 'not json', '']) expect(await (await withNullMembersDropped(answer(200, body))).text()).toBe(body);
  });
});
