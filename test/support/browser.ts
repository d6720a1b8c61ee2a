/**
 * A browser-like HTTP client for tests: a cookie jar, redirects followed by
 * hand (so every hop's cookies are kept and a hop can be stopped at), and
 * simple HTML form submission. No JavaScript, no CSS, no SameSite rules.
 *
 *   const browser = new TestBrowser({ stopAt: 'http://localhost:3000/auth/toolkit/callback' });
 *   const login = await browser.get(authorizationUrl);          // the provider's login page
 *   const consent = await browser.submitForm(login, { username: 'alice', password: 'alice' });
 *   const stopped = await browser.submitForm(consent);          // not followed: stopped.location is the callback URL
 */

export interface BrowserResponse {
  status: number;
  /** The URL that gave this response (after the redirects that were followed). */
  url: string;
  headers: Headers;
  text: string;
  /**
   * For a redirect that was not followed (it matched `stopAt`, or
   * `followRedirects: false`): the absolute URL it points to.
   */
  location?: string;
}

/** Where to stop following redirects: a URL prefix, several, or a predicate. */
export type StopAt = string | string[] | ((url: URL) => boolean);

export interface TestBrowserOptions {
  /** Redirects to matching URLs are returned instead of followed. */
  stopAt?: StopAt;
  /** The transport (default: the global fetch); e.g. injectFetch to reach a Fastify app in-process. */
  fetch?: typeof fetch;
  /** Default 20. */
  maxRedirects?: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A form body, sent as application/x-www-form-urlencoded. */
  form?: Record<string, string> | URLSearchParams;
  /** A JSON body (any value JSON.stringify takes), sent as application/json; not with `form`. */
  json?: unknown;
  /** Any other body, sent as it is with the content type `headers` give it (an XML body of a WebDAV method); only alone. */
  text?: string;
  /** Overrides the browser's stopAt for this request. */
  stopAt?: StopAt;
  /** false: return the first response, redirect or not. */
  followRedirects?: boolean;
}

export interface ParsedForm {
  /** Absolute URL the form submits to. */
  action: string;
  method: 'GET' | 'POST';
  /** Successful controls with their current values (hidden, text, checked boxes, textareas…). */
  fields: URLSearchParams;
}

interface StoredCookie {
  name: string;
  value: string;
  /** Lower-case host name the cookie belongs to. */
  domain: string;
  /** true when set without a Domain attribute: sent to that exact host only. */
  hostOnly: boolean;
  path: string;
  secure: boolean;
  /** Epoch ms, or undefined for a session cookie. */
  expiresAt: number | undefined;
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references that appear in attribute values. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const codePoint = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return Number.isFinite(codePoint) && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
    }
    return HTML_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** Attributes of one start tag, names lower-cased, values decoded. */
export function parseAttributes(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const inner = tag.replace(/^<\s*[a-z0-9-]+/i, '').replace(/\/?>$/, '');
  const pattern = /([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const match of inner.matchAll(pattern)) {
    const name = (match[1] as string).toLowerCase();
    if (!attributes.has(name)) attributes.set(name, decodeHtmlEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attributes;
}

/**
 * The first `<form>` of a page: its absolute action, method and the values a
 * browser would submit without a click (no submit buttons). Throws when the
 * page has no form.
 */
export function parseForm(html: string, pageUrl: string): ParsedForm {
  const start = /<form\b[^>]*>/i.exec(html);
  if (!start) throw new Error(`no <form> on the page at ${pageUrl}: ${html.slice(0, 300)}`);
  const end = html.indexOf('</form>', start.index);
  const body = html.slice(start.index + start[0].length, end === -1 ? undefined : end);
  const formAttributes = parseAttributes(start[0]);

  const fields = new URLSearchParams();
  const controls = /<input\b[^>]*>|<textarea\b[^>]*>([\s\S]*?)<\/textarea>|<select\b[^>]*>([\s\S]*?)<\/select>/gi;
  for (const match of body.matchAll(controls)) {
    const tag = /^<[^>]*>/.exec(match[0])?.[0] ?? match[0];
    const attributes = parseAttributes(tag);
    const name = attributes.get('name');
    if (!name || attributes.has('disabled')) continue;
    const kind = tag.slice(1, 9).toLowerCase();
    if (kind.startsWith('textarea')) {
      fields.append(name, decodeHtmlEntities(match[1] ?? ''));
    } else if (kind.startsWith('select')) {
      const options = [...(match[2] ?? '').matchAll(/<option\b[^>]*>([^<]*)/gi)];
      const chosen = options.find((option) => parseAttributes(option[0].replace(/>[^>]*$/, '>')).has('selected')) ?? options[0];
      if (chosen) {
        const optionAttributes = parseAttributes(chosen[0].replace(/>[^>]*$/, '>'));
        fields.append(name, optionAttributes.get('value') ?? decodeHtmlEntities((chosen[1] ?? '').trim()));
      }
    } else {
      const type = (attributes.get('type') ?? 'text').toLowerCase();
      if (['submit', 'button', 'image', 'reset', 'file'].includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && !attributes.has('checked')) continue;
      fields.append(name, attributes.get('value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : ''));
    }
  }

  const method = (formAttributes.get('method') ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET';
  const action = new URL(formAttributes.get('action') || pageUrl, pageUrl).href;
  return { action, method, fields };
}

function matchesStopAt(stopAt: StopAt | undefined, url: URL): boolean {
  if (stopAt === undefined) return false;
  if (typeof stopAt === 'function') return stopAt(url);
  const prefixes = Array.isArray(stopAt) ? stopAt : [stopAt];
  return prefixes.some((prefix) => url.href.startsWith(prefix));
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** RFC 6265 §5.1.4 default-path. */
function defaultCookiePath(url: URL): string {
  const path = url.pathname;
  if (!path.startsWith('/')) return '/';
  const lastSlash = path.lastIndexOf('/');
  return lastSlash <= 0 ? '/' : path.slice(0, lastSlash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** An RFC 6265 cookie jar, enough for test servers (no public-suffix list). */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Stores the cookies of one `Set-Cookie` header value received from `url`. */
  setCookie(header: string, url: URL): void {
    const [pair = '', ...attributeParts] = header.split(';');
    const equals = pair.indexOf('=');
    if (equals <= 0) return;
    const name = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    const host = url.hostname.toLowerCase();

    let domain = host;
    let hostOnly = true;
    let path = defaultCookiePath(url);
    let secure = false;
    let expiresAt: number | undefined;
    let maxAgeSeen = false;
    for (const part of attributeParts) {
      const separator = part.indexOf('=');
      const key = (separator === -1 ? part : part.slice(0, separator)).trim().toLowerCase();
      const attribute = separator === -1 ? '' : part.slice(separator + 1).trim();
      if (key === 'domain' && attribute) {
        const wanted = attribute.replace(/^\./, '').toLowerCase();
        if (host !== wanted && !host.endsWith(`.${wanted}`)) return; // not ours to set
        domain = wanted;
        hostOnly = false;
      } else if (key === 'path' && attribute.startsWith('/')) {
        path = attribute;
      } else if (key === 'secure') {
        secure = true;
      } else if (key === 'max-age' && /^-?\d+$/.test(attribute)) {
        maxAgeSeen = true;
        expiresAt = Date.now() + Number(attribute) * 1000;
      } else if (key === 'expires' && !maxAgeSeen) {
        const time = Date.parse(attribute);
        if (!Number.isNaN(time)) expiresAt = time;
      }
    }

    const key = `${domain};${path};${name}`;
    if (expiresAt !== undefined && expiresAt <= Date.now()) {
      this.#cookies.delete(key);
      return;
    }
    this.#cookies.set(key, { name, value, domain, hostOnly, path, secure, expiresAt });
  }

  /** The `Cookie` header value for a request to `url`, or undefined. */
  cookieHeader(url: URL): string | undefined {
    const host = url.hostname.toLowerCase();
    const now = Date.now();
    const matching: StoredCookie[] = [];
    for (const [key, cookie] of this.#cookies) {
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) {
        this.#cookies.delete(key);
        continue;
      }
      const domainMatches = cookie.hostOnly ? host === cookie.domain : host === cookie.domain || host.endsWith(`.${cookie.domain}`);
      // Browsers treat http://localhost as a secure context.
      const secureOk = !cookie.secure || url.protocol === 'https:' || isLoopback(host);
      if (domainMatches && secureOk && pathMatches(url.pathname, cookie.path)) matching.push(cookie);
    }
    if (matching.length === 0) return undefined;
    // RFC 6265 §5.4: longer paths first.
    matching.sort((a, b) => b.path.length - a.path.length);
    return matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }

  /** The value of cookie `name` that a request to `url` would send. */
  get(name: string, url: string | URL): string | undefined {
    const header = this.cookieHeader(new URL(url));
    for (const pair of header?.split('; ') ?? []) {
      const equals = pair.indexOf('=');
      if (pair.slice(0, equals) === name) return pair.slice(equals + 1);
    }
    return undefined;
  }

  clear(): void {
    this.#cookies.clear();
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export class TestBrowser {
  readonly cookies = new CookieJar();
  readonly #stopAt: StopAt | undefined;
  readonly #maxRedirects: number;
  readonly #fetch: typeof fetch;

  constructor(options: TestBrowserOptions = {}) {
    this.#stopAt = options.stopAt;
    this.#fetch = options.fetch ?? fetch;
    this.#maxRedirects = options.maxRedirects ?? 20;
  }

  get(url: string | URL, options: Omit<RequestOptions, 'method' | 'form'> = {}): Promise<BrowserResponse> {
    return this.request(url, { ...options, method: 'GET' });
  }

  post(url: string | URL, form: Record<string, string> | URLSearchParams, options: Omit<RequestOptions, 'method' | 'form'> = {}): Promise<BrowserResponse> {
    return this.request(url, { ...options, method: 'POST', form });
  }

  /**
   * Fills in the first form of `page` with `fields` (which replace the form's
   * own values of the same name) and submits it as a browser would.
   */
  submitForm(page: BrowserResponse, fields: Record<string, string> = {}, options: Omit<RequestOptions, 'method' | 'form'> = {}): Promise<BrowserResponse> {
    const form = parseForm(page.text, page.url);
    for (const [name, value] of Object.entries(fields)) form.fields.set(name, value);
    if (form.method === 'GET') {
      const target = new URL(form.action);
      target.search = form.fields.toString();
      return this.get(target, options);
    }
    return this.post(form.action, form.fields, options);
  }

  /** Sends a request with the jar's cookies, following redirects unless told not to. */
  async request(url: string | URL, options: RequestOptions = {}): Promise<BrowserResponse> {
    let current = new URL(url);
    let method = (options.method ?? 'GET').toUpperCase();
    if ([options.form, options.json, options.text].filter((given) => given !== undefined).length > 1) throw new Error('a request has one body: a form, JSON or text');
    const contentType = options.json !== undefined ? 'application/json' : options.text !== undefined ? options.headers?.['content-type'] : 'application/x-www-form-urlencoded';
    let body = options.text ?? (options.json !== undefined ? JSON.stringify(options.json) : options.form === undefined ? undefined : new URLSearchParams(options.form).toString());
    const stopAt = options.stopAt ?? this.#stopAt;

    for (let hop = 0; ; hop += 1) {
      const headers: Record<string, string> = { ...options.headers };
      const cookie = this.cookies.cookieHeader(current);
      if (cookie) headers.cookie = cookie;
      if (body !== undefined && contentType !== undefined) headers['content-type'] = contentType;

      const response = await this.#fetch(current, { method, headers, body, redirect: 'manual' });
      for (const setCookie of response.headers.getSetCookie()) this.cookies.setCookie(setCookie, current);
      const text = await response.text();
      const answer: BrowserResponse = { status: response.status, url: current.href, headers: response.headers, text };

      const locationHeader = response.headers.get('location');
      if (!REDIRECT_STATUSES.has(response.status) || locationHeader === null) return answer;

      const next = new URL(locationHeader, current);
      if (options.followRedirects === false || matchesStopAt(stopAt, next)) return { ...answer, location: next.href };
      if (hop >= this.#maxRedirects) throw new Error(`more than ${this.#maxRedirects} redirects, last to ${next.href}`);

      // Fetch standard: 303 (and 301/302 after POST) become GET without a body; 307/308 repeat the request.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
      }
      current = next;
    }
  }
}
