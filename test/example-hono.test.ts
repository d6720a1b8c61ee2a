// examples/hono as a developer runs it (npm install && npm start): the
// library used directly from Hono routes, against the dev provider.
import { describeSignInExample } from './support/example-app-behaviour.js';

describeSignInExample('hono');
