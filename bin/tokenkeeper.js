#!/usr/bin/env node
// The published entry point: the compiled CLI lives in dist/ (built by `npm run build`,
// which `npm install` runs through the `prepare` script).
import { runCli } from '../dist/cli/main.js';

await runCli(process.argv.slice(2));
