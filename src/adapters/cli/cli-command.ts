import type { Readable, Writable } from 'node:stream';
import type { ParseArgsConfig } from 'node:util';
import type { Container } from 'inversify';
import type { Result } from '../../domain/result.js';
import type { CliOutput } from './cli-output.js';

/** 0: done. 1: the system said no (a refusal, a tool error). 2: the command could not run as asked (usage, store). */
export type ExitCode = 0 | 1 | 2;
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const satisfies Record<string, ExitCode>;

export type OptionValues = Readonly<Record<string, string | boolean | readonly (string | boolean)[] | undefined>>;

export type CommandArgs = {
  readonly positionals: readonly string[];
  readonly values: OptionValues;
  /** The working directory, for defaults such as the scope of `pods create`. */
  readonly cwd: string;
};

/** What a long-running command (`tui`, `serve`) takes from its process; injected so tests can drive it. */
export type ProcessIo = {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Writable & { readonly isTTY?: boolean };
  /** Registers a handler for SIGINT/SIGTERM; returns the function that removes it. */
  readonly onSignal: (signal: 'SIGINT' | 'SIGTERM', handler: () => void) => () => void;
};

export type CommandContext = { readonly container: Container; readonly out: CliOutput; readonly io: ProcessIo };

/** A parsed command, ready to run against an open store. */
export type CommandRun = (context: CommandContext) => Promise<ExitCode>;

/**
 * One `pods` command: its help text, its options, and a parser that rejects bad input
 * before any store is opened.
 */
export type CliCommand = {
  readonly name: string;
  /** The synopsis without `pods`, e.g. `peer A B`. */
  readonly usage: string;
  readonly summary: string;
  /** Help paragraphs: what it does, its output and its exit codes. */
  readonly details: string;
  readonly options?: NonNullable<ParseArgsConfig['options']>;
  /** Help lines for `options`, e.g. `--json   print JSON`. */
  readonly optionHelp?: readonly (readonly [string, string])[];
  readonly parse: (args: CommandArgs) => Result<CommandRun, string>;
};

/** A use case said no: its reason on stderr, exit 1. */
export function refuse(out: CliOutput, reason: string): ExitCode {
  out.fail(reason);
  return EXIT.refused;
}
