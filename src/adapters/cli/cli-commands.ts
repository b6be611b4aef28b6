import type { CliCommand } from './cli-command.js';
import { createCommand } from './commands/create-command.js';
import { explainCommand } from './commands/explain-command.js';
import { historyCommand } from './commands/history-command.js';
import { lsCommand } from './commands/ls-command.js';
import { mcpCommand } from './commands/mcp-command.js';
import { peerCommand } from './commands/peer-command.js';
import { profileCommand } from './commands/profile-command.js';
import { rmCommand } from './commands/rm-command.js';
import { serveCommand } from './commands/serve-command.js';
import { storeCommand } from './commands/store-command.js';
import { toolCommand } from './commands/tool-command.js';
import { tuiCommand } from './commands/tui-command.js';
import { dashCommand } from './commands/dash-command.js';
import { unpeerCommand } from './commands/unpeer-command.js';
import { watchCommand } from './commands/watch-command.js';

/** Every `pods` command, in the order help lists them. */
export const CLI_COMMANDS: readonly CliCommand[] = [
  tuiCommand, dashCommand, createCommand, rmCommand, lsCommand, peerCommand, unpeerCommand, toolCommand, historyCommand, watchCommand, explainCommand, serveCommand, mcpCommand, profileCommand, storeCommand,
];
