/** At most this much of a refusal's body is read. */
const MAX_BODY_BYTES = 2048;
/** At most this much of the provider's words is kept. */
const MAX_TEXT_LENGTH = 200;

/** The first bytes of a body, at most `limit`; the rest is left unread and the body cancelled. */
async function leadingText(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, limit));
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value.trim() !== '');
}

/**
 * The provider's own words for refusing a request, when it gives short ones:
 * a JSON body's `message`, `error_description` or `error.message` (or a
 * string `error`), or plain text (Spotify answers an app in development mode
 * that the person is not on its list with the text "User not registered in
 * the Developer Dashboard"). Undefined for anything else, HTML included.
 * Only the first 2 KiB are read; the words are cut to one line of at most
 * 200 characters, without control characters.
 */
export async function refusalText(response: Response): Promise<string | undefined> {
  let text: string;
  try {
    text = await leadingText(response, MAX_BODY_BYTES);
  } catch {
    return undefined;
  }
  const type = response.headers.get('content-type') ?? '';
  let words: string | undefined;
  if (type.includes('json') || /^\s*\{/.test(text)) {
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      const error = body.error as Record<string, unknown> | string | undefined;
      words = firstString(body.message, body.error_description, typeof error === 'object' && error !== null ? error.message : undefined, error);
    } catch {
      return undefined;
    }
  } else if (!type.includes('html') && !/^\s*</.test(text)) {
    words = text;
  }
  const line = words?.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (!line) return undefined;
  return line.length > MAX_TEXT_LENGTH ? `${line.slice(0, MAX_TEXT_LENGTH - 1)}…` : line;
}
