// Run in a child process (`node --import tsx test/support/module-probe.ts <what>`):
// imports one of Tokenkeeper's entry points, optionally opens a database with
// it, and prints the npm packages that got loaded, as JSON on stdout. ES
// modules are seen through a resolve hook (Node's module.register), CommonJS
// ones in require.cache.
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const HOOKS = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  if (specifier === 'probe:flush') { port.postMessage('probe:flush'); return { url: 'data:text/javascript,', shortCircuit: true }; }
  const resolved = await next(specifier, context);
  port.postMessage(resolved.url);
  return resolved;
}`;

const { port1, port2 } = new MessageChannel();
const seen: string[] = [];
let flushed: () => void = () => {};
port1.on('message', (url: string) => (url === 'probe:flush' ? flushed() : seen.push(url)));
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { port: port2 }, transferList: [port2] });

function packageOf(location: string): string | null {
  const at = location.lastIndexOf('/node_modules/');
  if (at === -1) return null;
  const [first, second] = location.slice(at + '/node_modules/'.length).split('/');
  return first!.startsWith('@') ? `${first}/${second}` : first!;
}

const [what, databaseUrl] = process.argv.slice(2);
const entries: Record<string, string> = {
  library: '../../src/library/index.ts',
  client: '../../src/client/index.ts',
  db: '../../src/db/index.ts',
  fastify: '../../src/adapters/fastify.ts',
  'service-client': '../../src/service-client/index.ts',
  // The probe's own controls: these do load the web server and the provider.
  server: '../../src/server/runtime.ts',
  'dev-provider': '../../src/dev-provider/index.ts',
};
const entry = await import(entries[what!]!);
if (databaseUrl && what === 'library') {
  const { createTokenkeeper, devProvider } = entry as typeof import('../../src/library/index.js');
  const { generateEncryptionKey } = await import('../../src/db/token-cipher.js');
  const tokenkeeper = await createTokenkeeper({ database: databaseUrl, encryptionKeys: generateEncryptionKey(), providers: { toolkit: devProvider() } });
  await tokenkeeper.close();
} else if (databaseUrl) {
  const database = await (entry as typeof import('../../src/db/index.js')).openDatabase(databaseUrl);
  await database.close();
}
// Messages from the hook thread arrive in order: once the flush marker is back, every resolution before it is in.
await new Promise<void>((resolve) => {
  flushed = resolve;
  void import('probe:flush' as string);
});
port1.close();
const require = createRequire(import.meta.url);
const packages = new Set([...seen, ...Object.keys(require.cache)].map(packageOf).filter((name): name is string => name !== null));
process.stdout.write(`${JSON.stringify([...packages].sort())}\n`);
