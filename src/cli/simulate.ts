// The simulate command: a reproducible bundle of synthetic interviews, for demos, tests and trying out reports.
import { compileInstrument } from '../core/definition/index.js';
import { DEFAULT_MAX_BUNDLE_BYTES } from '../core/exchange/bundle.js';
import { MAX_SIMULATED_CLIENTS, simulateBundle } from '../core/simulation/simulate.js';
import { openOutput, writeBundle } from './bundles.js';
import { UsageError, parseCommandArgs, resolveInstrument, type Command } from './io.js';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Write a bundle of synthetic interviews (reproducible by seed)',
  usage: `Usage: asi-interview simulate --instrument <id|path> --clients N --rounds r1,r2 --seed S [--out FILE]

Writes a JSON bundle of made-up clients and interviews to standard output (or FILE). Each client has a code
(SIM-0001…), sex, birth year and a severity per life area that drives the answers, so scores are plausible and
related; later rounds come about 6 months (±2) apart and are better on average, some clients worse. Answers follow
the instrument's skip and auto-fill rules; a few are X or N, and about 5% of rounds are left unfinished. The audit
logs are complete, so the bundle reads like a real export. The same seed always gives the same bundle.

  --instrument <id|path>  a built-in instrument id or a path to a definition file
  --clients N             how many clients, 1 to ${MAX_SIMULATED_CLIENTS.toLocaleString('en')}
  --rounds r1,r2          the rounds each client takes, in order (e.g. grund,uppfoljning for ASI)
  --seed S                a number or a word
  --out FILE              write to FILE instead of standard output

An ASI client with two rounds takes about 200 KB; export and report read bundles of up to ${DEFAULT_MAX_BUNDLE_BYTES / 1024 / 1024} MB.

Example: asi-interview simulate --instrument asi --clients 50 --rounds grund,uppfoljning --seed 1 | asi-interview report -

Exit status: 0 on success, 1 if the instrument cannot be read or the output written, 2 for usage errors.`,

  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      instrument: { type: 'string' },
      clients: { type: 'string' },
      rounds: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
    if (values.instrument === undefined) throw new UsageError('Give the instrument: --instrument <id|path>');
    if (values.clients === undefined) throw new UsageError('Give the number of clients: --clients N');
    if (values.rounds === undefined) throw new UsageError('Give the rounds: --rounds r1,r2');
    if (values.seed === undefined || values.seed.trim() === '') throw new UsageError('Give a seed: --seed S (a number or a word)');
    const clients = /^\d+$/.test(values.clients.trim()) ? Number(values.clients.trim()) : NaN;
    if (!Number.isSafeInteger(clients) || clients < 1 || clients > MAX_SIMULATED_CLIENTS) {
      throw new UsageError(`--clients must be a whole number from 1 to ${MAX_SIMULATED_CLIENTS} (got "${values.clients}")`);
    }
    const instrument = compileInstrument(await resolveInstrument(values.instrument));
    const known = instrument.def.rounds.map((r) => r.id);
    const rounds = values.rounds
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const unknown = rounds.filter((r) => !known.includes(r));
    if (rounds.length === 0 || unknown.length > 0) {
      const what = rounds.length === 0 ? 'No rounds given' : `Unknown round${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')}`;
      throw new UsageError(`${what} (rounds of ${instrument.id}: ${known.join(', ')})`);
    }
    const seedText = values.seed.trim();
    const seed = /^-?\d+$/.test(seedText) && Number.isSafeInteger(Number(seedText)) ? Number(seedText) : seedText;

    const bundle = await simulateBundle({ instrument, clients, rounds, seed });
    const out = await openOutput(values.out);
    await writeBundle(out, bundle);
    await out.close();
    if (values.out !== undefined && values.out !== '-') {
      process.stderr.write(`Wrote ${values.out}: ${bundle.clients.length} clients, ${bundle.interviews.length} interviews\n`);
    }
    if (out.written > DEFAULT_MAX_BUNDLE_BYTES) {
      process.stderr.write(
        `asi-interview simulate: the bundle is about ${Math.round(out.written / 1024 / 1024)} MB; export, report and the app read bundles of up to ${DEFAULT_MAX_BUNDLE_BYTES / 1024 / 1024} MB\n`,
      );
    }
    return 0;
  },
};
