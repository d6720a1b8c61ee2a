// A Fastify app that signs people in with Tokenkeeper and calls an API as them.
import { createHash, randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { devProvider, fromEnv, TokenkeeperError } from 'tokenkeeper';
import { startDevProvider } from 'tokenkeeper/dev-provider';
import { tokenkeeperPlugin } from 'tokenkeeper/fastify';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const baseUrl = process.env.BASE_URL ?? `http://localhost:${port}`;

// No provider configured (OAUTH_PROVIDERS unset): run the local dev provider, which fromEnv registers as "toolkit".
let localProvider;
if (!process.env.OAUTH_PROVIDERS) {
  const devProviderPort = Number(process.env.DEV_PROVIDER_PORT ?? 4000);
  const { clientId, clientSecret } = devProvider(`http://localhost:${devProviderPort}`);
  localProvider = await startDevProvider({
    port: devProviderPort,
    clients: [{ clientId, clientSecret, redirectUris: [`${baseUrl}/auth/toolkit/callback`] }],
    dataDir: './data/dev-provider', // its grants survive a restart, as the stored tokens do
  });
}

// This Map stands in for your user table: keyed by e-mail, its ids derived from it so they outlive a restart as a table's would.
const users = new Map();
function findOrCreateUser(identity) {
  // An address the provider verified names the person; an unverified one anyone could claim, so it keys nobody.
  const email = identity.email && identity.emailVerified === true ? identity.email : `${identity.subject}@${identity.provider}`;
  const id = `user-${createHash('sha256').update(email).digest('hex').slice(0, 12)}`;
  if (!users.has(id)) users.set(id, { id, email, name: identity.name ?? email });
  return users.get(id);
}

// fromEnv reads the variables `tokenkeeper serve` reads: in development it generates TOKEN_ENCRYPTION_KEYS into
// ./data once (a restart still reads the stored tokens); with OAUTH_PROVIDERS set it signs in with real providers.
const tokenkeeper = await fromEnv({
  env: { DATABASE_URL: 'sqlite:./data/example.db', ...process.env },
  resolveUser: (identity) => findOrCreateUser(identity).id,
});
const provider = tokenkeeper.providers[0];
const loginPath = `/auth/${provider.name}/login`;

// Sessions: a random id in an HttpOnly cookie, mapped to a user. In memory, for the example only.
const sessions = new Map();
const secure = baseUrl.startsWith('https:') ? '; Secure' : '';
const sessionId = (request) => /(?:^|;\s*)sid=([\w-]+)/.exec(request.headers.cookie ?? '')?.[1];
const signedInUser = (request) => users.get(sessions.get(sessionId(request)));

const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (reply, body, status = 200) =>
  reply.code(status).type('text/html; charset=utf-8').send(`<!doctype html><meta charset="utf-8"><title>Tokenkeeper example</title>
<body style="font-family: system-ui; max-width: 40rem; margin: 2rem auto">${body}</body>`);

// A cancelled sign-in, needs_reauth, not_connected, a provider that is down: say so, with a way on.
function errorPage(error, request, reply) {
  const known = error instanceof TokenkeeperError;
  if (!known) request.log.error(error);
  const message = known ? error.message : 'Something went wrong.';
  return page(reply, `<p>${escapeHtml(message)}</p><p><a href="${loginPath}">Sign in again</a> or <a href="/">go home</a></p>`, error.status ?? error.statusCode ?? 500);
}

const app = Fastify({ logger: { level: 'warn' } });
app.setErrorHandler(errorPage);
// HTML forms post url-encoded bodies; Fastify reads only JSON and text by itself.
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body))));

await app.register(tokenkeeperPlugin, {
  tokenkeeper,
  baseUrl,
  onSignIn(request, reply, { user, next }) {
    const id = randomBytes(24).toString('base64url');
    sessions.set(id, user.externalId);
    // SameSite=Lax: a form on another site cannot post to us with this cookie.
    reply.header('set-cookie', `sid=${id}; Path=/; HttpOnly; SameSite=Lax${secure}`);
    return reply.redirect(next ?? '/', 303);
  },
  currentUser: (request) => {
    const user = signedInUser(request);
    return user && { externalId: user.id };
  },
  onError: errorPage, // the plugin's errors (a cancelled sign-in…) as pages too
});

app.get('/', async (request, reply) => {
  const user = signedInUser(request);
  const name = escapeHtml(provider.displayName);
  if (!user) return page(reply, `<h1>Tokenkeeper example</h1><p><a href="${loginPath}">Sign in with ${name}</a></p>`);
  const connection = (await tokenkeeper.listConnections({ externalId: user.id })).find((c) => c.provider === provider.name);
  const details = connection
    ? `<ul><li>Status: ${escapeHtml(connection.status)}</li><li>Scope: ${escapeHtml(connection.scope ?? '')}</li>
<li>Access token expires: ${connection.expiresAt ? new Date(connection.expiresAt * 1000).toISOString() : 'unknown'}</li>
<li>Refresh token: ${connection.hasRefreshToken ? 'yes' : 'no'}</li></ul>
<p><a href="/notes">Your notes, read from the ${name} API</a></p>
<form method="post" action="/auth/${provider.name}/disconnect"><button>Disconnect ${name}</button></form>`
    : `<p>${name} is not connected. <a href="${loginPath}">Connect it</a></p>`;
  return page(reply, `<h1>Hello, ${escapeHtml(user.name)}</h1><p>${escapeHtml(user.email)}</p>
<h2>${name} connection</h2>${details}
<form method="post" action="/logout"><button>Sign out</button></form>`);
});

// The dev provider's API answers /api/notes; with another provider, call a path of its API instead.
app.get('/notes', async (request, reply) => {
  const user = signedInUser(request);
  if (!user) return reply.redirect(`${loginPath}?next=/notes`, 303);
  // The access token is added, and refreshed first when it is about to expire.
  const response = await tokenkeeper.fetch({ externalId: user.id }, provider.name, '/notes');
  if (!response.ok) return page(reply, `<p>The API answered ${response.status}.</p><p><a href="/">Back</a></p>`, 502);
  const { notes } = await response.json();
  const items = notes.map((note) => `<li><strong>${escapeHtml(note.title)}</strong>: ${escapeHtml(note.body)}</li>`).join('');
  return page(reply, `<h1>Notes</h1><ul>${items}</ul><p><a href="/">Back</a></p>`);
});

app.post('/logout', async (request, reply) => {
  sessions.delete(sessionId(request));
  reply.header('set-cookie', `sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`);
  return reply.redirect('/', 303);
});

await app.listen({ port, host });
console.log(`Open ${baseUrl} and sign in${localProvider ? ' as alice / alice' : ''}.`);

async function shutdown() {
  await app.close();
  await tokenkeeper.close();
  await localProvider?.close();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
