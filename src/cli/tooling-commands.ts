import type { Command } from 'commander';
import { processIo, type CliIo } from './cli-io.js';
import { listCommands } from './list-commands.js';
import { operatorCommands } from './operator-commands.js';
import { listenCommand } from './listen-command.js';
import { sendCommand } from './send-command.js';
import { verifyCommand } from './verify-command.js';

/** The client-side commands (they talk to a Herald, or receive from one), in `herald --help` order. */
export function toolingCommands(io: CliIo = processIo()): Command[] {
  return [listenCommand(io), verifyCommand(io), sendCommand(io), ...listCommands(io), ...operatorCommands(io)];
}
