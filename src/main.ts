#!/usr/bin/env node
import 'reflect-metadata';
import { homedir } from 'node:os';
import { runCli } from './adapters/cli/run-cli.js';
import { openContainer } from './composition/container.js';
import { storeOpener } from './composition/store-config.js';

// A reader that stops early (`pods history a | head -1`) is not an error of ours; the
// command still finishes and closes the store.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  openStore: storeOpener({ env: process.env, homedir: homedir(), cwd: process.cwd() }, openContainer),
  io: {
    stdin: process.stdin,
    stdout: process.stdout,
    onSignal: (signal, handler) => {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
  },
});
