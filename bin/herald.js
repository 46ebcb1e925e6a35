#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (built by `npm install`/`npm start`).
import '../dist/cli/main.js';
