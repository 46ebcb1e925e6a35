import { Command } from 'commander';
import { HERALD_VERSION } from '../version.js';
import { migrateCommand } from './migrate-command.js';
import { rotateKeyCommand } from './rotate-key-command.js';
import { serveCommand } from './serve-command.js';
import { toolingCommands } from './tooling-commands.js';
import { workerCommand } from './worker-command.js';

const program = new Command('herald')
  .description('Herald: self-hosted webhook delivery')
  .version(HERALD_VERSION)
  .addCommand(serveCommand(), { isDefault: true })
  .addCommand(workerCommand())
  .addCommand(migrateCommand())
  .addCommand(rotateKeyCommand());
for (const command of toolingCommands()) program.addCommand(command);

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`herald: ${err.message}\n`);
  process.exit(1);
});
