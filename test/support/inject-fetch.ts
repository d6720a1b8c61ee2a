import type { FastifyInstance } from 'fastify';

/**
 * A fetch that sends requests for `origin` to the Fastify app through
 * `app.inject()` (no socket) and everything else over the network, so a
 * TestBrowser can drive the app and a real provider in one sign-in.
 */
export function injectFetch(app: FastifyInstance, origin: string): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (url.origin !== origin) return fetch(input, init);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const injected = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: { host: url.host, ...headers },
      ...(init?.body !== undefined && init.body !== null ? { payload: init.body as string } : {}),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(injected.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [String(value)]) responseHeaders.append(name, item);
    }
    const nullBody = [101, 204, 205, 304].includes(injected.statusCode);
    return new Response(nullBody ? null : injected.rawPayload, { status: injected.statusCode, headers: responseHeaders });
  };
}
