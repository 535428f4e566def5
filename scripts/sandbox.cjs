#!/usr/bin/env node
'use strict';
// `npm run emulator`: the provider sandbox on its own (see sandbox/serve.ts).
require('./ts-require.cjs');
require('../sandbox/serve.ts').main();
