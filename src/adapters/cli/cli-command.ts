import type { ParseArgsConfig } from 'node:util';
import type { PodsApp } from '../../application/pods-app.js';
import type { ProfileCatalog } from '../../application/ports/profile-catalog.js';
import type { Result } from '../../domain/result.js';
import type { ServerStatus } from '../persistence/managed-postgres/server-status.js';
import type { ImportCounts } from '../persistence/pglite-import/import-pglite-store.js';
import type { TextOutput } from '../presentation/text-output.js';
import { EXIT, type ExitCode, type ProcessIo } from '../process-io.js';

export type OptionValues = Readonly<Record<string, string | boolean | readonly (string | boolean)[] | undefined>>;

export type CommandArgs = {
  readonly positionals: readonly string[];
  readonly values: OptionValues;
  /** The working directory, for defaults such as the scope of `pods create`. */
  readonly cwd: string;
};

export type CommandContext = { readonly app: PodsApp; readonly out: TextOutput; readonly io: ProcessIo };

/** A parsed command, ready to run against an open store. */
export type CommandRun = (context: CommandContext) => Promise<ExitCode>;

/** What `pods store status` reports of the managed local server. */
export type StoreServerStatus = ServerStatus;

/** What `pods store import-pglite` copied. */
export type ImportSummary = ImportCounts;

/**
 * The managed local server's lifecycle, for `pods store`: the composition root provides it
 * for the store `--db` selects, and refuses (throws a one-line Error) when that is not the
 * managed store. Failures are thrown as one-line Errors too.
 */
export type StoreControl = {
  readonly home: string;
  readonly status: () => Promise<StoreServerStatus>;
  readonly start: () => Promise<{ readonly started: boolean; readonly pid: number | undefined }>;
  readonly stop: () => Promise<{ readonly stopped: false } | { readonly stopped: true; readonly pid: number; readonly connections: number }>;
  /** Removes a stopped store and every directory it has, also outside the home; what it removed. */
  readonly remove: () => Promise<{ readonly removed: readonly string[] }>;
  /** Copies every Pod, relation and history of a PGlite store (made by an earlier pods) into this one. */
  readonly importPglite: (dir: string) => Promise<ImportSummary>;
};

export type ControlContext = { readonly control: StoreControl; readonly out: TextOutput };

/** A parsed command that manages the store itself instead of opening it. */
export type ControlRun = { readonly control: (context: ControlContext) => Promise<ExitCode> };

/** A parsed command on this host's profiles (`pods profile`): it opens no store. */
export type ProfileRun = { readonly profiles: (profiles: ProfileCatalog, out: TextOutput) => Promise<ExitCode> };

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
  readonly parse: (args: CommandArgs) => Result<CommandRun | ControlRun | ProfileRun, string>;
};

/** A use case said no: its reason on stderr, exit 1. */
export function refuse(out: TextOutput, reason: string): ExitCode {
  out.fail(reason);
  return EXIT.refused;
}
