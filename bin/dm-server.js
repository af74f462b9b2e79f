#!/usr/bin/env node
// Runs the compiled CLI; `npm run build` makes it.
import "../dist/cli/dm-server.js";
