// The bare proxy as a server process of its own (see server-process.ts):
// API_BASE_URL and PORT from the environment (PORT set by spawnServer), stops on SIGTERM.
import { startBareProxy } from './bare-proxy.js';

const apiBaseUrl = process.env.API_BASE_URL;
const port = Number(process.env.PORT);
if (!apiBaseUrl || !Number.isInteger(port) || port <= 0) {
  console.error('bare-proxy-main: set API_BASE_URL and PORT');
  process.exit(2);
}
const proxy = await startBareProxy(apiBaseUrl, port);
process.once('SIGTERM', () => {
  void proxy.close().then(() => process.exit(0));
});
