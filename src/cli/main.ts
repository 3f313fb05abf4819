// The asi-interview command line: a small dispatcher over one module per command.
import { readFileSync } from 'node:fs';
import { UsageError, type Command } from './io.js';
import { exportCommand } from './export.js';
import { reportCommand } from './report.js';
import { schemaCommand } from './schema.js';
import { scoreCommand } from './score.js';
import { simulateCommand } from './simulate.js';
import { validateCommand } from './validate.js';
import { verifyCommand } from './verify.js';
import { syncCommand } from './sync.js';

const COMMANDS: readonly Command[] = [validateCommand, scoreCommand, simulateCommand, exportCommand, reportCommand, verifyCommand, syncCommand, schemaCommand];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: asi-interview <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

  asi-interview help <command>   options of one command
  asi-interview --version        print the version
`;
}

function find(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Runs one command line (without `node` and the script) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const command = args[0] === undefined ? undefined : find(args[0]);
    if (args[0] !== undefined && !command) return unknown(args[0]);
    process.stdout.write(command ? `${command.usage}\n` : usage());
    return 0;
  }
  const command = find(name);
  if (!command) return unknown(name);
  const options = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (options.includes('--help') || options.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(
        `asi-interview ${command.name}: ${error.message}\n${command.usage.split('\n')[0]}\nSee: asi-interview help ${command.name}\n`,
      );
      return 2;
    }
    // Messages only, never a dump of the input: files may hold answers.
    process.stderr.write(`asi-interview ${command.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function unknown(name: string): number {
  process.stderr.write(`asi-interview: unknown command "${name}"\n\n${usage()}`);
  return 2;
}
