import { describe, expect, it } from 'vitest';
import { withTokenAnswerShaped } from './token-answer-shape.js';

const answer = (status: number, body: string, type = 'application/json') => new Response(body, { status, headers: { 'content-type': type } });

describe('withTokenAnswerShaped', () => {
  it('drops the optional members a successful answer sent as null, keeping the others in their order', async () => {
    const read = await withTokenAnswerShaped(
      answer(200, JSON.stringify({ access_token: 'at', expires_in: null, token_type: 'bearer', scope: null, refresh_token: null, id_token: null, refresh_token_expires_in: null, account_id: null })),
    );
    expect(read.status).toBe(200);
    expect(await read.text()).toBe('{"access_token":"at","token_type":"bearer","account_id":null}');
  });

  it('keeps a null access_token or token_type, which validation then refuses', async () => {
    const read = await withTokenAnswerShaped(answer(200, JSON.stringify({ access_token: null, token_type: null, scope: null })));
    expect(await read.json()).toEqual({ access_token: null, token_type: null });
  });

  it('drops the id_token too where the provider’s ID tokens go unread (idTokenUnused), and only there', async () => {
    const body = JSON.stringify({ access_token: 'at', token_type: 'bearer', id_token: 'eyJ.x.y', scope: 'openid read' });
    expect(await (await withTokenAnswerShaped(answer(200, body), { idTokenUnused: true })).json()).toEqual({ access_token: 'at', token_type: 'bearer', scope: 'openid read' });
    expect(await (await withTokenAnswerShaped(answer(200, body))).text()).toBe(body);
  });

  it('leaves an answer without null members, a refusal, and a body that is no object as they came', async () => {
    const plain = '{"access_token":"at","token_type":"bearer","scope":"read"}';
    expect(await (await withTokenAnswerShaped(answer(200, plain))).text()).toBe(plain);
    const refusal = answer(400, '{"error":"invalid_grant","scope":null}');
    expect(await withTokenAnswerShaped(refusal)).toBe(refusal);
    for (const body of ['null', '[]', 'not json', '']) expect(await (await withTokenAnswerShaped(answer(200, body))).text()).toBe(body);
  });

  describe('omitsTokenType', () => {
    const untyped = { access_token: 'at', refresh_token: 'rt', expires_in: 7200, state: 'xyz' };

    it('reads a successful answer without token_type as Bearer, in the same pass as the null members', async () => {
      const read = await withTokenAnswerShaped(answer(200, JSON.stringify({ ...untyped, scope: null })), { omitsTokenType: true });
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toBe('application/json');
      expect(await read.json()).toEqual({ ...untyped, token_type: 'Bearer' });
      const form = await withTokenAnswerShaped(answer(200, 'access_token=at&expires_in=3600', 'application/x-www-form-urlencoded'), { omitsTokenType: true });
      expect(await form.json()).toEqual({ access_token: 'at', expires_in: '3600', token_type: 'Bearer' });
    });

    it('leaves an answer that names its token_type as it came, whatever the type', async () => {
      for (const type of ['bearer', 'DPoP', 'mac']) {
        const typed = JSON.stringify({ ...untyped, token_type: type });
        expect(await (await withTokenAnswerShaped(answer(200, typed), { omitsTokenType: true })).text()).toBe(typed);
      }
    });

    it('adds nothing without the setting: the answer goes on without token_type, for openid-client to refuse', async () => {
      const body = JSON.stringify(untyped);
      expect(await (await withTokenAnswerShaped(answer(200, body))).text()).toBe(body);
      expect(await (await withTokenAnswerShaped(answer(200, body), { omitsTokenType: false })).text()).toBe(body);
    });

    it('leaves a refusal, and a 200 that carries an error and no access_token, untouched', async () => {
      const refusal = answer(400, '{"error":"invalid_grant"}');
      expect(await withTokenAnswerShaped(refusal, { omitsTokenType: true })).toBe(refusal);
      const errorIn200 = '{"error":"invalid_grant","error_description":"Invalid authorization code"}';
      expect(await (await withTokenAnswerShaped(answer(200, errorIn200), { omitsTokenType: true })).text()).toBe(errorIn200);
    });
  });
});
