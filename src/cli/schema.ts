// The schema command: prints or writes the JSON Schema for instrument definitions or text overlays.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { instrumentJsonSchema, overlayJsonSchema } from '../core/definition/index.js';
import { UsageError, parseCommandArgs, type Command } from './io.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema for definitions (or --overlay for text overlays)',
  usage: `Usage: asi-interview schema [--overlay] [--out <file>]

Prints the JSON Schema for instrument definitions, generated from the definition format.

  --overlay     the schema for text overlays instead
  --out <file>  write it to <file> instead of standard output`,

  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      overlay: { type: 'boolean' },
      out: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
    const text = schemaText(values.overlay ? 'overlay' : 'instrument');
    if (values.out === undefined) {
      process.stdout.write(text);
      return 0;
    }
    await mkdir(dirname(values.out), { recursive: true });
    await writeFile(values.out, text);
    process.stderr.write(`Wrote ${values.out}\n`);
    return 0;
  },
};

export function schemaText(which: 'instrument' | 'overlay'): string {
  return JSON.stringify(which === 'overlay' ? overlayJsonSchema() : instrumentJsonSchema(), null, 2) + '\n';
}
