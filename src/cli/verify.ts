// The verify command: the integrity of every interview in bundles (audit chains, answers against their audit trail).
import { parseBundle } from '../core/exchange/bundle.js';
import { integrityLines, verifyBundle } from '../core/exchange/verify.js';
import { displayName, instrumentResolver, openedText, passphraseOption, readText } from './bundles.js';
import { UsageError, parseCommandArgs, type Command } from './io.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Check the integrity of the interviews in bundles (audit chains, answers against their trail)',
  usage: `Usage: asi-interview verify [--passphrase-file <file>] [--json] BUNDLE...

Checks each bundle (a file, or - for standard input) in full: its shape, every interview's audit chain (an event
changed, removed or reordered breaks it), and that each interview's stored answers are what its audit events say.
Prints one line per problem, naming the file, the interview and the first bad event, or one "intact" line per file.

  --passphrase-file <file>  passphrase of encrypted backups, read from the file's first line (never give it as an
                            argument: other users of the machine can see arguments)
  --json                    one JSON object per file: {"file", "ok", "interviews", "problems": [{"path"|"interviewId", ...}]}

Exit status: 0 when every interview of every bundle is intact, 1 if any problem was found or a file cannot be read,
2 for usage errors.`,

  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { 'passphrase-file': { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length === 0) throw new UsageError('Give at least one bundle (or - for standard input)');
    if (positionals.filter((f) => f === '-').length > 1) throw new UsageError('Standard input (-) can be read only once');
    const passphrase = await passphraseOption(values['passphrase-file']);
    const resolve = instrumentResolver();
    let allOk = true;
    for (const file of positionals) {
      const name = displayName(file);
      const text = await openedText(file, await readText(file), passphrase);
      const parsed = await parseBundle(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { resolveInstrument: resolve });
      if (!parsed.ok) {
        allOk = false;
        // Problems name paths and ids, never answer values: a bundle holds special-category data.
        const problems = parsed.problems.map((p) => ({ path: p.path, message: p.message.replace(/^.*? is not a valid answer to /s, 'The value is not a valid answer to ') }));
        if (values.json) process.stdout.write(`${JSON.stringify({ file: name, ok: false, problems })}\n`);
        else for (const p of problems) process.stdout.write(`${name}: ${p.path || '(bundle)'}: ${p.message}\n`);
        continue;
      }
      const reports = (await verifyBundle(parsed.bundle)).filter((r) => !r.ok);
      allOk &&= reports.length === 0;
      if (values.json) {
        const problems = reports.flatMap((r) => r.problems.map((p) => ({ interviewId: r.interviewId, kind: p.kind, ...('itemId' in p ? { itemId: p.itemId } : {}), ...('index' in p && p.index !== undefined ? { event: p.index + 1 } : {}) })));
        process.stdout.write(`${JSON.stringify({ file: name, ok: reports.length === 0, interviews: parsed.bundle.interviews.length, problems })}\n`);
      } else if (reports.length === 0) {
        process.stdout.write(`${name}: intact (${parsed.bundle.interviews.length} interviews, ${parsed.bundle.audit.length} audit events)\n`);
      } else {
        // Values are left out here too: the line says which item differs, not what was answered.
        for (const r of reports) for (const p of r.problems) process.stdout.write(`${name}: interview ${r.interviewId}: ${p.kind === 'answer' ? `the stored answer to ${p.itemId} differs from its audit trail` : integrityLines({ ...r, problems: [p] })[0]!.replace(/^interview [^:]+: /, '')}\n`);
      }
    }
    return allOk ? 0 : 1;
  },
};
