#!/usr/bin/env node
// Thin shim: the CLI is compiled to dist/ by `npm run build` (run automatically by `npm ci`).
import { main } from '../dist/cli/main.js';

// The AWS SDK prints a 7-line notice on Node < 22 at every cloud command; npi-rates supports
// Node 20 on purpose and docs/cloud.md says when that changes. Set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await main(process.argv);
