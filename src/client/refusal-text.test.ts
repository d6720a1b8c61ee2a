import { describe, expect, it } from 'vitest';
import { refusalText } from './refusal-text.js';

const answer = (body: string | ReadableStream<Uint8Array>, type?: string) => new Response(body, { status: 403, headers: type ? { 'content-type': type } : {} });

describe('refusalText', () => {
  it('takes plain text as it is, and the usual JSON fields in order', async () => {
    expect(await refusalText(answer('User not registered in the Developer Dashboard', 'text/plain'))).toBe('User not registered in the Developer Dashboard');
    expect(await refusalText(answer(JSON.stringify({ message: 'Resource not accessible by integration', documentation_url: 'x' }), 'application/json'))).toBe('Resource not accessible by integration');
    expect(await refusalText(answer(JSON.stringify({ error: 'invalid_token', error_description: 'The token was revoked' }), 'application/json'))).toBe('The token was revoked');
    expect(await refusalText(answer(JSON.stringify({ error: { status: 403, message: 'Insufficient client scope' } }), 'application/json'))).toBe('Insufficient client scope');
    expect(await refusalText(answer(JSON.stringify({ error: 'forbidden' })))).toBe('forbidden');
  });

  it('gives nothing for HTML, an empty body, JSON without words or broken JSON', async () => {
    expect(await refusalText(answer('<html><body>Forbidden</body></html>', 'text/html'))).toBeUndefined();
    expect(await refusalText(answer('<h1>Forbidden</h1>'))).toBeUndefined();
    expect(await refusalText(answer('', 'text/plain'))).toBeUndefined();
    expect(await refusalText(answer(JSON.stringify({ status: 403 }), 'application/json'))).toBeUndefined();
    expect(await refusalText(answer('{"message": "cut', 'application/json'))).toBeUndefined();
  });

  it('keeps one line of at most 200 characters, without control characters', async () => {
    expect(await refusalText(answer('first line\r\nsecond\u0007 line\t end', 'text/plain'))).toBe('first line second line end');
    const long = await refusalText(answer('x'.repeat(500), 'text/plain'));
    expect(long).toHaveLength(200);
    expect(long!.endsWith('…')).toBe(true);
  });

  it('reads no more than 2 KiB of an endless body', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new TextEncoder().encode('y'.repeat(1000)));
      },
    });
    expect(await refusalText(answer(endless, 'text/plain'))).toHaveLength(200);
    expect(pulled).toBeLessThan(10);
  });
});
