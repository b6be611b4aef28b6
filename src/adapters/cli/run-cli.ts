import type { OpenedContainer, StoreConfig } from '../../composition/container.js';
import { describeInvalidStoreUrl, describeStore, storeConfigFrom, storeLocation } from '../../composition/store-config.js';
import { EXIT, type ExitCode } from './cli-command.js';
import { CLI_COMMANDS } from './cli-commands.js';
import { cliOutput, type TextSink } from './cli-output.js';
import { errorMessage } from './error-message.js';
import { parseCommandLine, type CommandLine } from './parse-command-line.js';
import { renderCommandHelp, renderGlobalHelp } from './render-help.js';

/** Everything the CLI takes from its process, injected so tests can drive it in-process. */
export type CliEnvironment = {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly homedir: string;
  readonly openStore: (config: StoreConfig) => Promise<OpenedContainer>;
};

/** `pods …`: parses, opens the store only for a valid command, runs it, and always closes the store. */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<ExitCode> {
  const { stdout, stderr } = environment;
  const line = parseCommandLine(argv, CLI_COMMANDS, environment.cwd);
  switch (line.type) {
    case 'help':
      stdout.write(`${line.command ? renderCommandHelp(line.command) : renderGlobalHelp(CLI_COMMANDS)}\n`);
      return EXIT.ok;
    case 'unavailable':
      stderr.write(`pods: ${line.feature} is not available yet; see \`pods --help\` for the commands that are\n`);
      return EXIT.usage;
    case 'usage': {
      const name = line.command ? `pods ${line.command.name}` : 'pods';
      const help = line.command ? `pods help ${line.command.name}` : 'pods --help';
      stderr.write(`${name}: ${line.message}; see \`${help}\`\n`);
      return EXIT.usage;
    }
    case 'run':
      return runWithStore(line, environment);
  }
}

async function runWithStore(line: Extract<CommandLine, { type: 'run' }>, environment: CliEnvironment): Promise<ExitCode> {
  const out = cliOutput(environment.stdout, environment.stderr, `pods ${line.command.name}`);
  const config = storeConfigFrom({ db: line.db, env: environment.env, homedir: environment.homedir, cwd: environment.cwd });
  if (!config.ok) {
    out.fail(`${describeInvalidStoreUrl(config.error)}; see \`pods --help\``);
    return EXIT.usage;
  }
  let opened: OpenedContainer;
  try {
    opened = await environment.openStore(config.value);
  } catch (error) {
    // The stores' own errors usually name the store already; say it once.
    const reason = errorMessage(error);
    out.fail(reason.includes(storeLocation(config.value)) ? reason : `cannot open ${describeStore(config.value)}: ${reason}`);
    return EXIT.usage;
  }
  let code: ExitCode;
  try {
    code = await line.run({ container: opened.container, out });
  } catch (error) {
    // Use cases return refusals; a throw is the store failing under us (or a bug).
    out.fail(`could not complete: ${errorMessage(error)}`);
    code = EXIT.usage;
  }
  try {
    await opened.close();
  } catch (error) {
    out.fail(`could not close ${describeStore(config.value)}: ${errorMessage(error)}`);
    if (code === EXIT.ok) code = EXIT.usage;
  }
  return code;
}
