#!/usr/bin/env node
// Thin shim: the CLI is compiled to dist/ by `npm run build` (run automatically by `npm ci`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
