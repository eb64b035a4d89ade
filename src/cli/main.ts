/**
 * The Node CLI over the same core the app runs in its workers. Batch audits in CI.
 *
 *   npx bias-workbench --help                 every command's usage
 *   npx bias-workbench <command> --help       one command's usage (also: help <command>)
 *   npx bias-workbench score | audit | explain | importance | compare | generate | simulate | workshop | log ... (docs/cli.md)
 *
 * Exit codes: 0 ok, 1 bad input (one-line reason on stderr), 2 bad usage (one line ending
 * "See bias-workbench <command> --help.").
 */
import { WorkbenchError, describeProblem, toProblem } from '../core/errors';
import { VERSION } from './common';
import { UsageError } from './flags';
import { COMMANDS, commandHelp, globalHelp, isCommand, type CommandName } from './help';
import { scoreCommand } from './score';
import { auditCommand } from './audit';
import { auditCountsCommand, wantsCounts } from './audit-counts';
import { sqlCommand } from './sql';
import { explainCommand, importanceCommand } from './explain';
import { compareCommand } from './compare';
import { generateCommand } from './generate';
import { simulateCommand } from './simulate';
import { workshopCommand } from './workshop';
import { logCommand } from './log';
import { reportCommand } from './report';
import { monitorCommand } from './monitor';

const RUN: Record<CommandName, (args: string[]) => Promise<number>> = {
  score: scoreCommand,
  audit: (args) => (wantsCounts(args) ? auditCountsCommand(args) : auditCommand(args)),
  explain: explainCommand,
  importance: importanceCommand,
  compare: compareCommand,
  generate: generateCommand,
  simulate: simulateCommand,
  workshop: workshopCommand,
  log: logCommand,
  monitor: monitorCommand,
  sql: sqlCommand,
  report: reportCommand,
};

const wantsHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h');

/** Prints the help a call asks for and returns its exit status, or null when it asks for none. */
function help(command: string | undefined, rest: string[]): number | null {
  if (command === undefined) {
    process.stderr.write(globalHelp() + '\n');
    return 2;
  }
  if (command === '--help' || command === '-h') {
    process.stdout.write(globalHelp() + '\n');
    return 0;
  }
  if (command === 'help') {
    const [topic, ...extra] = rest;
    if (topic === undefined) process.stdout.write(globalHelp() + '\n');
    else if (!isCommand(topic)) throw new UsageError(`no help for "${topic}": the commands are ${COMMANDS.join(', ')}`);
    else if (extra.length > 0) throw new UsageError(`help takes one command, not "${rest.join(' ')}"`);
    else process.stdout.write(commandHelp(topic) + '\n');
    return 0;
  }
  if (isCommand(command) && wantsHelp(rest)) {
    process.stdout.write(commandHelp(command) + '\n');
    return 0;
  }
  return null;
}

/** Runs one CLI call; returns its exit status. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const shown = help(command, rest);
    if (shown !== null) return shown;
    if (command === '--version') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (!isCommand(command)) throw new UsageError(`unknown command "${command}": the commands are ${COMMANDS.join(', ')}`);
    return await RUN[command](rest);
  } catch (e) {
    if (e instanceof UsageError) {
      const where = command !== undefined && isCommand(command) ? `bias-workbench ${command} --help` : 'bias-workbench --help';
      process.stderr.write(`bias-workbench: ${e.message}. See ${where}.\n`);
      return 2;
    }
    const p = e instanceof WorkbenchError ? e.toProblem() : toProblem(e);
    process.stderr.write(`bias-workbench: ${describeProblem(p).replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}
