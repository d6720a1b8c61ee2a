// The bare service as a server process of its own (see server-process.ts):
// SERVICE_KEY and PORT from the environment (PORT set by spawnServer), AUDIT_DATABASE_URL when it writes the audit
// entries too; stops on SIGTERM.
import { startBareService } from './bare-service.js';

const key = process.env.SERVICE_KEY;
const port = Number(process.env.PORT);
if (!key || !Number.isInteger(port) || port <= 0) {
  console.error('bare-service-main: set SERVICE_KEY and PORT');
  process.exit(2);
}
const service = await startBareService(key, port, process.env.AUDIT_DATABASE_URL || undefined);
process.once('SIGTERM', () => {
  void service.close().then(() => process.exit(0));
});
