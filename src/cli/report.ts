// The report command: the group report (first vs last completed round per client) over one or more bundles.
import type { CompiledInstrument } from '../core/definition/index.js';
import { groupBy, groupReport, type GroupKey, type GroupReport, type GroupScoreSummary } from '../core/scoring/group.js';
import { chooseInstrument, instrumentOption, loadBundles, passphraseOption } from './bundles.js';
import { UsageError, parseCommandArgs, type Command } from './io.js';

const KEYS: readonly GroupKey[] = ['sex', 'age', 'substance'];

export const reportCommand: Command = {
  name: 'report',
  summary: 'Print the group report (change from first to last round) of bundles',
  usage: `Usage: asi-interview report [--instrument <id|path>] [--by sex|age|substance] [--json] [BUNDLE...]

Reads one or more bundles (files, or - for standard input; standard input when none is given), merges them and
prints, per score: n (clients with the score at both their first and last completed round), the mean at the first
and at the last round, the mean change, how many improved, did not change or worsened reliably (RCI, |RCI| > 1.96;
"-" where the score has no reliability configured) and how many clients lack a pair for the score.

  --passphrase-file <f>   the passphrase of encrypted backups, read from the file's first line
  --instrument <id|path>  the instrument to report on (default: the only one in the bundles)
  --by sex|age|substance  one table per sex, age band or primary substance (ASI D14) at the first round
  --json                  JSON instead of a table, numbers unrounded:
                            {"scores": {"MED": {"n", "meanFirst", "meanLast", "meanChange", "improved",
                                                "unchanged", "worsened", "missing"}, ...}}
                          with --by: {"by": "sex", "groups": [{"group": "female", "scores": {...}}, ...]}

Example: asi-interview simulate --instrument asi --clients 50 --rounds grund,uppfoljning --seed 1 | asi-interview report -

Exit status: 0 on success, 1 if a bundle cannot be read, is invalid or conflicts with another, 2 for usage errors.`,

  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      'passphrase-file': { type: 'string' },
      instrument: { type: 'string' },
      by: { type: 'string' },
      json: { type: 'boolean' },
    });
    const by = values.by as GroupKey | undefined;
    if (by !== undefined && !KEYS.includes(by)) throw new UsageError(`--by must be one of ${KEYS.join(', ')} (got "${values.by}")`);
    const given = await instrumentOption(values.instrument);
    const { bundle } = await loadBundles(positionals.length ? positionals : ['-'], given, await passphraseOption(values['passphrase-file']));
    const instrument = await chooseInstrument(bundle, given, values.instrument);

    if (by === undefined) {
      const report = groupReport(bundle, instrument);
      process.stdout.write(values.json ? `${JSON.stringify({ scores: report.scores })}\n` : text(report, instrument));
      return 0;
    }
    const grouped = groupBy(by, bundle, instrument);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ by, groups: grouped.groups.map((g) => ({ group: g.group, scores: g.report.scores })) })}\n`);
      return 0;
    }
    const parts = [heading(instrument, grouped.clients, by)];
    for (const { group, report } of grouped.groups) parts.push(`${BY_LABEL[by]} ${group} (${report.clients} clients)\n${table(report)}`);
    if (grouped.groups.length === 0) parts.push('No client has a completed round.\n');
    parts.push(notes(grouped.groups[0]?.report));
    process.stdout.write(parts.filter(Boolean).join('\n'));
    return 0;
  },
};

const BY_LABEL: Record<GroupKey, string> = { sex: 'Sex:', age: 'Age:', substance: 'Primary substance:' };

function heading(instrument: CompiledInstrument, clients: number, by?: GroupKey): string {
  return `Group report: ${instrument.id} ${instrument.version}, ${clients} clients with a completed round${by ? `, by ${by}` : ''}\nFirst vs last completed round per client.\n`;
}

function text(report: GroupReport, instrument: CompiledInstrument): string {
  return [heading(instrument, report.clients), table(report), notes(report)].filter(Boolean).join('\n');
}

const COLUMNS = ['Score', 'n', 'Mean first', 'Mean last', 'Change', 'Improved', 'Unchanged', 'Worsened', 'Missing'];

function fixed(value: number | null, sign = false): string {
  if (value === null) return '-';
  const text = value.toFixed(3);
  return sign && value > 0 ? `+${text}` : text === '-0.000' ? '0.000' : text;
}

function table(report: GroupReport): string {
  const row = (id: string, s: GroupScoreSummary) => [
    id,
    String(s.n),
    fixed(s.meanFirst),
    fixed(s.meanLast),
    fixed(s.meanChange, true),
    s.improved === null ? '-' : String(s.improved),
    s.unchanged === null ? '-' : String(s.unchanged),
    s.worsened === null ? '-' : String(s.worsened),
    String(s.missing),
  ];
  const rows = [COLUMNS, ...Object.entries(report.scores).map(([id, s]) => row(id, s))];
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  // The score id reads left-aligned, numbers right-aligned so that decimals line up.
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n') + '\n';
}

/** Which scores have no RCI and why: parameters are the same in every group. */
function notes(report: GroupReport | undefined): string {
  if (!report) return '';
  const lines = Object.values(report.parameters)
    .filter((p) => p.rciStatus !== 'ok')
    .map((p) => `  ${p.score}: ${p.note?.en ?? 'no reliable-change parameters'}`);
  return lines.length ? `Improved, unchanged and worsened are not counted ("-") for:\n${lines.join('\n')}\n` : '';
}
