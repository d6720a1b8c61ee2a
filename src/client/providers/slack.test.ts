import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { slack } from './slack.js';

const hooks = slack.settings({}).hooks!;

async function rewritten(body: unknown, status = 200) {
  const answer = await hooks.tokenResponse!(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  return { status: answer.status, body: (await answer.json()) as unknown };
}

describe('slack tokenResponse: {"ok": false} answers in RFC 6749 §5.2 shape', () => {
  it.each<[string, number, string]>([
    ['invalid_refresh_token', 400, 'invalid_grant'],
    ['code_already_used', 400, 'invalid_grant'],
    ['bad_client_secret', 401, 'invalid_client'],
    ['invalid_grant_type', 400, 'unsupported_grant_type'],
    ['internal_error', 500, 'server_error'],
    ['ratelimited', 503, 'temporarily_unavailable'],
    ['something_new', 400, 'invalid_request'],
  ])('%s becomes HTTP %i %s', async (slackError, status, error) => {
    expect(await rewritten({ ok: false, error: slackError })).toEqual({ status, body: { error, error_description: `Slack answered ${slackError}`, slack_error: slackError } });
  });

  it('an error without a name is unknown_error, an invalid_request', async () => {
    expect(await rewritten({ ok: false })).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'Slack answered unknown_error', slack_error: 'unknown_error' } });
  });

  it('every other answer is left as it was', async () => {
    const success = { ok: true, access_token: 'xoxp-1', token_type: 'Bearer', expires_in: 43200 };
    expect(await rewritten(success)).toEqual({ status: 200, body: success });
  });
});

describe('slack revoke: auth.revoke with the access token', () => {
  /** `null`: no API base URL. */
  const request = (status: number, body: string, apiBaseUrl: string | null = 'https://slack.com/api/') =>
    revocationRequest(answer(status, body), { apiBaseUrl: apiBaseUrl ?? undefined, accessToken: 'xoxp-live' });

  it('POSTs to auth.revoke with the token as a Bearer header; ok: true is revoked', async () => {
    const { value, sent } = request(200, '{"ok":true,"revoked":true}');
    expect(await hooks.revoke!(value)).toBe('revoked');
    expect(sent).toEqual([
      { url: 'https://slack.com/api/auth.revoke', init: { method: 'POST', headers: { authorization: 'Bearer xoxp-live', 'content-type': 'application/x-www-form-urlencoded' }, body: '' } },
    ]);
  });

  it('ok: true with revoked: false (Slack says whether it "actually revoked" the token) is not a revocation', async () => {
    await expect(hooks.revoke!(request(200, '{"ok":true,"revoked":false}').value)).rejects.toMatchObject({
      code: 'provider_bad_response',
      message: 'Slack answered the token revocation without revoking the token (revoked: false).',
    });
  });

  it.each(['invalid_auth', 'token_revoked', 'account_inactive'])('%s (the token is already unusable) is already_revoked', async (error) => {
    expect(await hooks.revoke!(request(200, JSON.stringify({ ok: false, error })).value)).toBe('already_revoked');
  });

  it('another error is a refusal naming it; a 5xx is provider_error naming the status', async () => {
    await expect(hooks.revoke!(request(200, '{"ok":false,"error":"not_allowed"}').value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Slack refused the token revocation (not_allowed).' });
    await expect(hooks.revoke!(request(500, 'oops').value)).rejects.toMatchObject({ code: 'provider_error', message: 'Slack refused the token revocation (HTTP 500).' });
  });

  it('needs the API base URL', async () => {
    await expect(hooks.revoke!(request(200, '{}', null).value)).rejects.toThrow('Slack revocation needs the API base URL');
  });
});
