// Bluesky's PDS (@atproto/pds, whose OAuth authorization server is
// @atproto/oauth-provider) and a PLC directory (@did-plc/server, in memory),
// as test/interop/atproto-pds.test.ts runs them: both in this process, on the
// ports given, the PDS in its development mode (http on localhost, no
// e-mail, no app view), its data in the folder given.
//
//   node server.mjs --modules=<folder with node_modules> --pds-port=<port> --plc-port=<port> --data=<folder>
//
// The PDS answers on http://localhost:<pds port>, which is also its OAuth
// issuer. In front of it, a counter of the answers of the OAuth endpoints a
// client posts to (`POST /oauth/par:201`, `POST /oauth/token:200`, `POST
// /oauth/revoke:200`, …; not the pages a browser reads) that GET
// /test/counts gives, as the other interop servers' do.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { modules: { type: 'string' }, 'pds-port': { type: 'string' }, 'plc-port': { type: 'string' }, data: { type: 'string' } },
});
for (const name of ['modules', 'pds-port', 'plc-port', 'data']) {
  if (!values[name]) throw new Error(`server.mjs: --${name} is required`);
}
const require = createRequire(join(values.modules, 'package.json'));
const pds = require('@atproto/pds');
const plc = require('@did-plc/server');
const { Secp256k1Keypair } = require('@atproto/crypto');

const pdsPort = Number(values['pds-port']);
const plcServer = plc.PlcServer.create({ db: plc.Database.mock(), port: Number(values['plc-port']) });
await plcServer.start();

const hex = (key) => Buffer.from(key).toString('hex');
const rotationKey = await Secp256k1Keypair.create({ exportable: true });
const environment = {
  devMode: true,
  port: pdsPort,
  hostname: 'localhost',
  dataDirectory: values.data,
  blobstoreDiskLocation: join(values.data, 'blobs'),
  didPlcUrl: `http://localhost:${values['plc-port']}`,
  plcRotationKeyK256PrivateKeyHex: hex(await rotationKey.export()),
  recoveryDidKey: (await Secp256k1Keypair.create()).did(),
  jwtSecret: randomBytes(16).toString('hex'),
  adminPassword: randomBytes(16).toString('hex'),
  serviceHandleDomains: ['.test'],
  inviteRequired: false,
  // No app view or moderation service here: nothing calls them.
  bskyAppViewUrl: 'https://appview.invalid',
  bskyAppViewDid: 'did:example:appview',
  modServiceUrl: 'https://moderation.invalid',
  modServiceDid: 'did:example:moderation',
};
const server = await pds.PDS.create(pds.envToCfg(environment), pds.envToSecrets(environment));

// What PDS.start does (its sequencer, then its express app on the port), the app behind the counter.
const counts = {};
await server.ctx.sequencer.start();
const http = createServer((request, response) => {
  const path = request.url.split('?')[0];
  if (request.method === 'GET' && path === '/test/counts') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
    return;
  }
  if (request.method === 'POST' && path.startsWith('/oauth/')) {
    response.on('finish', () => {
      const key = `${request.method} ${path}:${response.statusCode}`;
      counts[key] = (counts[key] ?? 0) + 1;
    });
  }
  server.app(request, response);
});
http.keepAliveTimeout = 90_000;
await new Promise((resolve) => http.listen(pdsPort, resolve));

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  await server.destroy();
  await plcServer.destroy();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
