// Tokenkeeper in a Hono app on Node: sign in with a provider, show the
// stored connection, call the provider's API as the signed-in person.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { createTokenkeeper, devProvider, TokenkeeperError } from 'tokenkeeper';
import { generateEncryptionKey } from 'tokenkeeper/db';
import { startDevProvider } from 'tokenkeeper/dev-provider';

const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';
const BASE_URL = process.env.BASE_URL ?? `http://localhost:${PORT}`;
const DEV_PROVIDER_PORT = Number(process.env.DEV_PROVIDER_PORT ?? 4000);
const DATABASE_URL = process.env.DATABASE_URL ?? 'sqlite:./data/example.db';
const REDIRECT_URI = `${BASE_URL}/auth/toolkit/callback`;

// The tokens are encrypted with this key: it is kept in ./data, so that after a restart they can still be read.
mkdirSync('data', { recursive: true, mode: 0o700 });
const KEY_FILE = 'data/token-encryption-keys';
if (!process.env.TOKEN_ENCRYPTION_KEYS && !existsSync(KEY_FILE)) writeFileSync(KEY_FILE, generateEncryptionKey(), { mode: 0o600 });
const TOKEN_ENCRYPTION_KEYS = process.env.TOKEN_ENCRYPTION_KEYS || readFileSync(KEY_FILE, 'utf8').trim();

// A local OpenID provider with demo accounts (alice/alice, bob/bob) and a small API, for development.
const toolkit = devProvider(`http://localhost:${DEV_PROVIDER_PORT}`);
const provider = await startDevProvider({
  port: DEV_PROVIDER_PORT,
  clients: [{ clientId: toolkit.clientId, clientSecret: toolkit.clientSecret, redirectUris: [REDIRECT_URI] }],
  dataDir: 'data/dev-provider', // its grants outlive a restart, as the stored refresh tokens do
});

// Stands in for your app's user table. resolveUser returns your user's id, which Tokenkeeper stores
// as the user's externalId; here the e-mail is that id, so it stays the same after a restart.
const appUsers = new Map(); // e-mail → { email, name }
function resolveUser(identity) {
  if (!identity.email) throw new Error('This example keys its users by e-mail, and the provider gave none.');
  // Only an address the provider verified: anyone can claim an unverified one, and would sign in as its owner.
  if (identity.emailVerified !== true) throw new Error('This example keys its users by e-mail, and the provider has not verified this one.');
  appUsers.set(identity.email, { email: identity.email, name: identity.name ?? identity.email });
  return identity.email;
}

const tokenkeeper = await createTokenkeeper({
  database: DATABASE_URL,
  encryptionKeys: TOKEN_ENCRYPTION_KEYS,
  providers: { toolkit },
  resolveUser,
});

// An example session store: a random id in a cookie → the user's e-mail, in memory.
const sessions = new Map();
const SESSION_COOKIE = { httpOnly: true, sameSite: 'Lax', secure: BASE_URL.startsWith('https:'), path: '/' };
const TRANSACTION_COOKIE = { ...SESSION_COOKIE, maxAge: 600 }; // the sign-in transaction is valid for 10 minutes
const signedInUser = (c) => appUsers.get(sessions.get(getCookie(c, 'session')));

// hono/html escapes every ${value}, except a fragment made by html`…` itself.
const page = (title, body) => html`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 2rem auto"><h1>${title}</h1>${body}</body></html>`;

// A form posted from another site does nothing (SameSite=Lax already keeps the session cookie off it).
// hono/csrf checks the same, but also refuses a POST that has no Origin header.
async function sameOrigin(c, next) {
  const origin = c.req.header('origin');
  if (origin && origin !== new URL(BASE_URL).origin) return c.html(page('Forbidden', 'Cross-site request refused.'), 403);
  await next();
}

const app = new Hono();

app.get('/', async (c) => {
  const user = signedInUser(c);
  if (!user) return c.html(page('Tokenkeeper + Hono', html`<p><a href="/login">Sign in with Toolkit</a></p>`));
  const connection = (await tokenkeeper.listConnections({ externalId: user.email })).find((each) => each.provider === 'toolkit');
  return c.html(page('Tokenkeeper + Hono', html`
    <p>Signed in as <strong>${user.name}</strong> (${user.email}).</p>
    ${connection
      ? html`<p>Toolkit connection: ${connection.status}, scope <code>${connection.scope}</code>,
          expires ${connection.expiresAt ? new Date(connection.expiresAt * 1000).toISOString() : 'never'},
          ${connection.hasRefreshToken ? 'with' : 'without'} a refresh token.</p>
        <p><a href="/notes">Your notes at Toolkit</a></p>
        <form method="post" action="/disconnect"><button>Disconnect Toolkit</button></form>`
      : html`<p>Toolkit is not connected. <a href="/login">Connect it</a></p>`}
    <form method="post" action="/logout"><button>Sign out</button></form>`));
});

app.get('/login', async (c) => {
  const { url, transaction } = await tokenkeeper.signIn.start('toolkit', { redirectUri: REDIRECT_URI });
  setCookie(c, 'signin', transaction, TRANSACTION_COOKIE);
  return c.redirect(url.href, 303);
});

app.get('/auth/toolkit/callback', async (c) => {
  const transaction = getCookie(c, 'signin') ?? '';
  deleteCookie(c, 'signin', SESSION_COOKIE); // used once, whatever the outcome
  const { user } = await tokenkeeper.signIn.finish('toolkit', c.req.url, transaction);
  sessions.delete(getCookie(c, 'session'));
  const sessionId = randomBytes(32).toString('base64url'); // a new id at each sign-in
  sessions.set(sessionId, user.externalId);
  setCookie(c, 'session', sessionId, SESSION_COOKIE);
  return c.redirect('/', 303);
});

app.get('/notes', async (c) => {
  const user = signedInUser(c);
  if (!user) return c.redirect('/', 303);
  // The access token is added, and refreshed first when it is about to expire.
  const response = await tokenkeeper.fetch({ externalId: user.email }, 'toolkit', '/notes');
  const body = await response.json();
  return c.html(page('Your notes', html`<pre>${JSON.stringify(body, null, 2)}</pre><p><a href="/">Back</a></p>`), response.ok ? 200 : 502);
});

app.post('/disconnect', sameOrigin, async (c) => {
  const user = signedInUser(c);
  // Revokes the tokens at the provider and deletes them here.
  if (user) await tokenkeeper.disconnect({ externalId: user.email }, 'toolkit');
  return c.redirect('/', 303);
});

app.post('/logout', sameOrigin, (c) => {
  sessions.delete(getCookie(c, 'session'));
  deleteCookie(c, 'session', SESSION_COOKIE);
  return c.redirect('/', 303);
});

// A TokenkeeperError says what went wrong and which status it means (400 for a forged or expired sign-in);
// anything else is logged, and the page says no more.
app.onError((error, c) => {
  const known = error instanceof TokenkeeperError;
  if (!known) console.error(error);
  return c.html(page('Something went wrong', html`<p>${known ? error.message : 'Please try again.'}</p><p><a href="/">Home</a></p>`), known ? error.status : 500);
});

const server = serve({ fetch: app.fetch, port: PORT, hostname: HOST }, () => console.log(`Listening on ${BASE_URL}`));

// Stop taking requests, let those in flight finish, then close the database and the dev provider.
const shutDown = () => server.close(async () => {
  await tokenkeeper.close();
  await provider.close();
});
process.once('SIGTERM', shutDown).once('SIGINT', shutDown);
