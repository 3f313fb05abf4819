// The export command: bundles converted (and merged) to CSV with a codebook, FHIR R4, or one JSON bundle.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompiledInstrument } from '../core/definition/index.js';
import type { Bundle } from '../core/exchange/bundle.js';
import { exportCodebook, exportCsv } from '../core/exchange/csv.js';
import { toQuestionnaire, toQuestionnaireResponseBundle } from '../core/exchange/fhir.js';
import { chooseInstrument, instrumentOption, instrumentResolver, loadBundles, passphraseOption, openOutput, writeBundle, writeJson } from './bundles.js';
import { InputError, UsageError, parseCommandArgs, type Command } from './io.js';

const FORMATS = ['csv', 'fhir', 'json'] as const;
type Format = (typeof FORMATS)[number];

export const exportCommand: Command = {
  name: 'export',
  summary: 'Convert bundles to CSV, FHIR R4 or one merged JSON bundle',
  usage: `Usage: asi-interview export --format csv|fhir|json [--instrument <id|path>] [--codebook FILE]
                            [--out FILE | --out-dir DIR] [BUNDLE...]

Reads one or more bundles (files, or - for standard input; standard input when none is given), checks each and
merges them: a client or interview found in several bundles must be identical in each. Nothing is written when a
bundle is invalid or two conflict. Writes to standard output, or to --out FILE:
  json  the merged bundle
  csv   one row per interview of the instrument (UTF-8 with BOM): interview columns, every item, every score;
        --codebook FILE also writes the codebook describing each column
  fhir  a FHIR R4 Bundle (type collection) of QuestionnaireResponses, one per interview;
        --out-dir DIR instead writes DIR/Questionnaire-<id>.json (one per instrument) and
        DIR/QuestionnaireResponses.json

  --format csv|fhir|json  the output format
  --passphrase-file <f>   the passphrase of encrypted backups, read from the file's first line
  --instrument <id|path>  csv: the instrument (default: the only one in the bundles); fhir: only this
                          instrument's interviews. A path gives a definition that is not built in.
  --codebook FILE         csv only: write the codebook to FILE
  --out FILE              write to FILE instead of standard output
  --out-dir DIR           fhir only: write the Questionnaire(s) and the responses as files in DIR

Example: asi-interview export --format csv --codebook codebook.csv --out interviews.csv unit-a.json unit-b.json

Exit status: 0 on success, 1 if a bundle cannot be read, is invalid or conflicts with another, 2 for usage errors.`,

  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      'passphrase-file': { type: 'string' },
      format: { type: 'string' },
      instrument: { type: 'string' },
      codebook: { type: 'string' },
      out: { type: 'string' },
      'out-dir': { type: 'string' },
    });
    const format = values.format as Format | undefined;
    if (format === undefined) throw new UsageError(`Give the format: --format ${FORMATS.join('|')}`);
    if (!FORMATS.includes(format)) throw new UsageError(`Unknown format "${values.format}" (formats: ${FORMATS.join(', ')})`);
    if (values.codebook !== undefined && format !== 'csv') throw new UsageError('--codebook goes with --format csv');
    if (values['out-dir'] !== undefined && format !== 'fhir') throw new UsageError('--out-dir goes with --format fhir');
    if (values['out-dir'] !== undefined && values.out !== undefined) throw new UsageError('Give --out or --out-dir, not both');
    if (values.instrument !== undefined && format === 'json') throw new UsageError('--instrument goes with --format csv or fhir');

    const given = await instrumentOption(values.instrument);
    const { bundle } = await loadBundles(positionals.length ? positionals : ['-'], given, await passphraseOption(values['passphrase-file']));

    if (format === 'json') {
      const out = await openOutput(values.out);
      await writeBundle(out, bundle);
      await out.close();
      return 0;
    }
    if (format === 'csv') {
      const instrument = await chooseInstrument(bundle, given, values.instrument);
      const csv = exportCsv(bundle, instrument);
      if (values.codebook !== undefined) await writeFile(values.codebook, exportCodebook(instrument));
      const out = await openOutput(values.out);
      await out.write(csv);
      await out.close();
      return 0;
    }
    return fhir(bundle, given, values.instrument, values.out, values['out-dir']);
  },
};

async function fhir(bundle: Bundle, given: CompiledInstrument | undefined, ref: string | undefined, outFile?: string, outDir?: string) {
  const selected = given ? await chooseInstrument(bundle, given, ref) : undefined;
  const part: Bundle = selected
    ? {
        ...bundle,
        instruments: bundle.instruments.filter((r) => r.id === selected.id),
        interviews: bundle.interviews.filter((i) => i.instrumentId === selected.id),
      }
    : bundle;
  // Every id@version the interviews were taken with needs its definition: the given one or a built-in one.
  const resolve = instrumentResolver(given);
  const instruments: CompiledInstrument[] = [];
  const missing: string[] = [];
  for (const { id, version } of part.instruments) {
    const instrument = await resolve(id, version);
    if (instrument) instruments.push(instrument);
    else missing.push(`${id}@${version}`);
  }
  if (missing.length) {
    throw new InputError(`FHIR export needs the definition of ${missing.join(', ')}; give it with --instrument <path>`);
  }
  const responses = toQuestionnaireResponseBundle(part, instruments);
  if (outDir === undefined) {
    const out = await openOutput(outFile);
    await writeJson(out, responses as unknown as Record<string, unknown>, ['entry']);
    await out.close();
    return 0;
  }
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const instrument of instruments) {
    // Two versions of one instrument each get their own file.
    const versions = instruments.filter((i) => i.id === instrument.id).length;
    const file = join(outDir, `Questionnaire-${instrument.id}${versions > 1 ? `-${instrument.version}` : ''}.json`);
    await writeFile(file, `${JSON.stringify(toQuestionnaire(instrument), null, 2)}\n`);
    written.push(file);
  }
  const file = join(outDir, 'QuestionnaireResponses.json');
  const out = await openOutput(file);
  await writeJson(out, responses as unknown as Record<string, unknown>, ['entry']);
  await out.close();
  written.push(file);
  process.stderr.write(`Wrote ${written.join(', ')}\n`);
  return 0;
}
