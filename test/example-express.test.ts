// examples/express as a developer runs it (npm install && npm start): the
// library used directly from Express routes, against the dev provider.
import { describeSignInExample } from './support/example-app-behaviour.js';

describeSignInExample('express');
