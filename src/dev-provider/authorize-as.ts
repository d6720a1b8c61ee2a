/** Hops (redirects and form posts) before authorizeAs gives up: a sign-in and a consent take about six. */
const MAX_HOPS = 20;

/** What the provider's pages hold, read as plainly as this provider writes them (interactions.ts). */
const LOGIN_ACTION = /<form method="post" action="(\/interaction\/[^"/]+\/login)">/;
const CONFIRM_ACTION = /<form method="post" action="(\/interaction\/[^"/]+\/confirm)">/;
const LOGIN_ERROR = /<p class="error" role="alert">([^<]*)<\/p>/;

/** The cookies the provider sets in this sign-in, by name (its cookies have distinct names whatever their path). */
class ProviderCookies {
  readonly #values = new Map<string, string>();

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const expired = attributes.some((attribute) => /^\s*max-age\s*=\s*0\s*$/i.test(attribute) || (/^\s*expires\s*=/i.test(attribute) && Date.parse(attribute.split('=')[1]!) <= Date.now()));
      if (expired) this.#values.delete(name);
      else this.#values.set(name, pair.slice(equals + 1).trim());
    }
  }

  header(): string {
    return [...this.#values].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

function unescapeHtml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** A page's words: its body's text, without the head (title, styles). */
function pageText(page: string): string {
  return page.replace(/<head>[\s\S]*<\/head>/, '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * For tests of an app that uses Tokenkeeper with the dev provider: signs
 * `username` in (a demo account; the password is the username) and allows
 * the consent, as a person would in a browser, but over plain HTTP. Give it
 * the authorization URL your sign-in started with; it returns the URL the dev
 * provider then sends the browser to: your redirect URI with `code` and
 * `state` (or with `error`), for `signIn.finish`. Throws when the provider
 * refuses the request (an unknown client or redirect URI) or the password.
 *
 * @example
 * const { url, transaction } = await tokenkeeper.signIn.start('toolkit', { redirectUri: 'http://localhost:3000/callback' });
 * const callback = await authorizeAs(url, 'alice');
 * const { user } = await tokenkeeper.signIn.finish('toolkit', callback, transaction);
 */
export async function authorizeAs(authorizationUrl: string | URL, username: string, password: string = username): Promise<URL> {
  let url = new URL(authorizationUrl);
  const { origin } = url;
  const cookies = new ProviderCookies();
  let form: URLSearchParams | undefined;
  for (let hop = 0; hop < MAX_HOPS; hop += 1) {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: cookies.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: form.toString() } : {}),
    });
    cookies.keep(response);
    const page = await response.text();
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      form = undefined;
      // Leaving the provider: this is the redirect to the client.
      if (url.origin !== origin) return url;
      continue;
    }
    const login = LOGIN_ACTION.exec(page);
    const confirm = CONFIRM_ACTION.exec(page);
    // The login page again, after the password was sent: refused (401, with the reason).
    if (login && form?.has('password')) throw new Error(`The dev provider refused the sign-in of "${username}": ${unescapeHtml(LOGIN_ERROR.exec(page)?.[1] ?? 'no reason given')}`);
    if (response.ok && login) {
      url = new URL(login[1]!, origin);
      form = new URLSearchParams({ username, password });
    } else if (response.ok && confirm) {
      url = new URL(confirm[1]!, origin);
      form = new URLSearchParams();
    } else {
      const text = unescapeHtml(pageText(page)).slice(0, 300);
      throw new Error(`The dev provider answered ${response.status} at ${url.pathname}: ${text}`);
    }
  }
  throw new Error(`The dev provider did not send the browser back to the client within ${MAX_HOPS} steps`);
}
