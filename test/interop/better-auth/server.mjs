// Better Auth (better-auth) with its OAuth 2.1 Provider plugin
// (@better-auth/oauth-provider) and its JWT plugin, as
// test/interop/better-auth.test.ts runs it: in this process, on the port
// given, its data in Better Auth's memory adapter (no database module), with
// e-mail and password sign-in, one confidential client and the users named.
//
//   node server.mjs --modules=<folder with node_modules> --port=<port>
//     --client-id=… --client-secret=… --redirect-uri=… --password=… --api-scope=… <user>…
//
// Better Auth's routes are under /api/auth, which is its issuer's path too:
// its discovery document (an endpoint Better Auth leaves to the app to serve)
// answers at /api/auth/.well-known/openid-configuration. Beside it:
//   GET /sign-in, /consent  the pages Better Auth sends a browser to (plain HTML
//                           naming the signed query; the test posts the forms
//                           a page script would)
//   GET /api/notes          a resource server's route: the bearer token checked
//                           by RFC 7662 introspection at Better Auth, the user's
//                           notes or 401
//   GET /test/counts        the answers of /oauth2/token and /oauth2/revoke, as
//                           `token:<grant_type>`, `token:<grant_type>:<status>`,
//                           `revoke`, `revoke:<status>`
//   GET /test/subjects      each user's id (the ID token's sub)
// Nothing secret is printed.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals: usernames } = parseArgs({
  allowPositionals: true,
  options: {
    modules: { type: 'string' },
    port: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    password: { type: 'string' },
    'api-scope': { type: 'string' },
    'access-token-seconds': { type: 'string' },
  },
});
for (const name of ['modules', 'port', 'client-id', 'client-secret', 'redirect-uri', 'password', 'api-scope']) {
  if (!values[name]) throw new Error(`server.mjs: --${name} is required`);
}
// Better Auth's packages are ES modules only: imported by file URL from the install folder.
const require = createRequire(join(values.modules, 'package.json'));
const load = (specifier) => import(pathToFileURL(require.resolve(specifier)).href);
const { betterAuth } = await load('better-auth');
const { memoryAdapter } = await load('better-auth/adapters/memory');
const { jwt } = await load('better-auth/plugins');
const { toNodeHandler } = await load('better-auth/node');
const { oauthProvider } = await load('@better-auth/oauth-provider');

const port = Number(values.port);
const origin = `http://127.0.0.1:${port}`;
const apiScope = values['api-scope'];
const clientId = values['client-id'];
const clientSecret = values['client-secret'];

// The memory adapter's tables, one empty array for each model Better Auth and its plugins declare (filled in below).
const tables = {};
const auth = betterAuth({
  baseURL: origin,
  secret: randomBytes(32).toString('hex'),
  database: memoryAdapter(tables),
  emailAndPassword: { enabled: true },
  // The JWT plugin's own /token route would stand beside the provider's; Better Auth's documentation disables it.
  disabledPaths: ['/token'],
  telemetry: { enabled: false },
  logger: { level: 'error' },
  plugins: [
    jwt(),
    oauthProvider({
      loginPage: '/sign-in',
      consentPage: '/consent',
      scopes: ['openid', 'profile', 'email', 'offline_access', apiScope],
      accessTokenExpiresIn: Number(values['access-token-seconds'] ?? 3600),
      // The test's app is http://app.test, neither https nor loopback, which Better Auth's default refuses.
      allowInsecureRedirectUri: (url) => url.href === values['redirect-uri'],
      // The client the test configures the app with, its id and secret given here.
      generateClientId: () => clientId,
      generateClientSecret: () => clientSecret,
    }),
  ],
});

for (const table of Object.values((await auth.$context).tables)) tables[table.modelName] ??= [];

// Better Auth registers a client for a signed-in user (its owner): an administrator of its own, with a password nobody keeps.
const administrator = { email: 'administrator@example.test', password: randomBytes(24).toString('hex'), name: 'Administrator' };
await auth.api.signUpEmail({ body: administrator });
const signedIn = await auth.api.signInEmail({ body: { email: administrator.email, password: administrator.password }, returnHeaders: true });
const sessionCookie = signedIn.headers
  .getSetCookie()
  .map((cookie) => cookie.split(';')[0])
  .join('; ');
await auth.api.adminCreateOAuthClient({
  headers: new Headers({ cookie: sessionCookie }),
  body: {
    client_name: 'Tokenkeeper',
    redirect_uris: [values['redirect-uri']],
    scope: `openid profile email offline_access ${apiScope}`,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
});
const subjects = {};
const notesOf = {};
for (const username of usernames) {
  const name = `${username[0].toUpperCase()}${username.slice(1)} Example`;
  const { user } = await auth.api.signUpEmail({ body: { email: `${username}@example.test`, password: values.password, name } });
  subjects[username] = user.id;
  notesOf[user.id] = { username, notes: [`${username}'s first note`] };
}

const handler = toNodeHandler(auth);
const counts = {};
const count = (key) => {
  counts[key] = (counts[key] ?? 0) + 1;
};
const json = (response, status, body) => response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
const page = (response, title, query) =>
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>${title}</title><h1>${title}</h1><p data-oauth-query="${query.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></p>`);

/** RFC 7662 introspection of `token` at Better Auth, as the registered client. */
async function introspect(token) {
  const response = await fetch(`${origin}/api/auth/oauth2/introspect`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
  });
  return response.ok ? response.json() : { active: false };
}

/** The form body of a request, read for counting and then handed on unchanged. */
function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

const http = createServer(async (request, response) => {
  try {
    const url = new URL(request.url, origin);
    const path = url.pathname;
    if (request.method === 'GET' && path === '/test/counts') return json(response, 200, counts);
    if (request.method === 'GET' && path === '/test/subjects') return json(response, 200, subjects);
    if (request.method === 'GET' && path === '/api/auth/.well-known/openid-configuration') return json(response, 200, await auth.api.getOpenIdConfig());
    if (request.method === 'GET' && path === '/sign-in') return page(response, 'Sign in', url.search.slice(1));
    if (request.method === 'GET' && path === '/consent') return page(response, 'Allow access', url.search.slice(1));
    if (request.method === 'GET' && path === '/api/notes') {
      const [scheme, token] = (request.headers.authorization ?? '').split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token) return json(response, 401, { error: 'invalid_token' });
      const info = await introspect(token);
      const scopes = typeof info.scope === 'string' ? info.scope.split(' ') : [];
      if (info.active !== true || !scopes.includes(apiScope) || !notesOf[info.sub]) return json(response, 401, { error: 'invalid_token' });
      return json(response, 200, notesOf[info.sub]);
    }
    if (request.method === 'POST' && (path === '/api/auth/oauth2/token' || path === '/api/auth/oauth2/revoke')) {
      const body = await readBody(request);
      const key = path.endsWith('/token') ? `token:${new URLSearchParams(body.toString()).get('grant_type')}` : 'revoke';
      count(key);
      response.on('finish', () => count(`${key}:${response.statusCode}`));
      // The stream is read now; Better Auth's Node adapter (better-call) then takes the request's `body` instead.
      request.body = body.toString();
      request.headers['content-length'] = String(body.length);
    }
    await handler(request, response);
  } catch (error) {
    console.error(error);
    if (!response.headersSent) json(response, 500, { error: 'server_error' });
  }
});
http.keepAliveTimeout = 90_000;
await new Promise((resolve) => http.listen(port, '127.0.0.1', resolve));
console.log(`Better Auth on ${origin}, issuer ${origin}/api/auth`);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  http.closeAllConnections();
  http.close(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
