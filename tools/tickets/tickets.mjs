#!/usr/bin/env node
// Entry point of tickets.sh: plain JavaScript on node's built-ins, no install or build step.
import { main } from './cli.mjs';

process.exitCode = main(process.argv.slice(2));
