import { describe, expect, it } from 'vitest';
import { withChallengeWithoutErrorDropped } from './challenge-without-error.js';

const refusal = (status: number, body: string, challenge: string | null, type = 'application/json') =>
  new Response(body, { status, headers: { 'content-type': type, ...(challenge === null ? {} : { 'www-authenticate': challenge }) } });

describe('withChallengeWithoutErrorDropped', () => {
  it('drops a challenge that names no error when the body does, keeping the status and the body', async () => {
    const answer = await withChallengeWithoutErrorDropped(refusal(401, '{"error":"invalid_client","error_description":"client_secret is invalid"}', 'Basic realm="OAuth2"'));
    expect(answer.status).toBe(401);
    expect(answer.headers.has('www-authenticate')).toBe(false);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(await answer.json()).toEqual({ error: 'invalid_client', error_description: 'client_secret is invalid' });
  });

  it('reads a form-encoded body too, and sends it on as JSON', async () => {
    const answer = await withChallengeWithoutErrorDropped(refusal(400, 'error=invalid_grant', 'Bearer', 'application/x-www-form-urlencoded'));
    expect(answer.headers.has('www-authenticate')).toBe(false);
    expect(await answer.json()).toEqual({ error: 'invalid_grant' });
  });

  it.each([
    ['a challenge that names its error (Doorkeeper)', 400, 'Bearer realm="Doorkeeper", error="invalid_grant"'],
    ['an unquoted error parameter', 401, 'Basic realm=x,error=invalid_client'],
    ['a success', 200, 'Basic realm="OAuth2"'],
    ['a server fault', 500, 'Basic realm="OAuth2"'],
  ])('leaves %s as it came', async (_, status, challenge) => {
    const original = refusal(status, '{"error":"invalid_client"}', challenge);
    expect(await withChallengeWithoutErrorDropped(original)).toBe(original);
  });

  it('keeps the challenge when the body names no error (nothing better to read), with the body unchanged', async () => {
    for (const body of ['', 'Unauthorized', '{"message":"no"}', '{"error":""}', '["invalid_client"]']) {
      const answer = await withChallengeWithoutErrorDropped(refusal(401, body, 'Basic realm="OAuth2"'));
      expect(answer.headers.get('www-authenticate')).toBe('Basic realm="OAuth2"');
      expect(await answer.text()).toBe(body);
    }
  });

  it('does not take error_description for an error parameter', async () => {
    const answer = await withChallengeWithoutErrorDropped(refusal(401, '{"error":"invalid_client"}', 'Basic realm="x", error_description="bad"'));
    expect(answer.headers.has('www-authenticate')).toBe(false);
  });

  it('leaves an answer without a challenge as it came', async () => {
    const original = refusal(400, '{"error":"invalid_grant"}', null);
    expect(await withChallengeWithoutErrorDropped(original)).toBe(original);
  });
});
