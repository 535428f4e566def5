#!/usr/bin/env node
// ESM entry of ensure-n8n.cjs (the implementation is CommonJS so that Jest tests, which run
// without --experimental-vm-modules, can require() it too). Same exports, same CLI:
//   node_modules/.bin/node scripts/n8n/ensure-n8n.mjs [--json] [--force]
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const cjs = createRequire(import.meta.url)('./ensure-n8n.cjs');

export const { N8N_VERSION, LINKEDOM_OVERRIDE, defaultCacheDir, resolveNodeBin, ensureNodeHeaders, ensureN8n, main } = cjs;

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) await main();
