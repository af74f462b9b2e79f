#!/usr/bin/env node
import "../dist/cli/dm-syncml.js";
