// npm run test:kill [-- N]: the full durability check on demand, N answers each followed by a SIGKILL of Chromium (default 200); prints a summary.
import { KillRun } from '../tests/e2e/kill-harness.js';

const arg = process.argv[2] ?? process.env.KILLS ?? '200';
const kills = Number(arg);
if (!Number.isInteger(kills) || kills < 1) {
  console.error(`usage: npm run test:kill [-- N]   (N answers, each followed by a kill; got "${arg}")`);
  process.exit(2);
}

const run = new KillRun();
// Ctrl-C must not leave a Chromium process group or a temp profile behind.
process.once('SIGINT', () => void run.dispose().then(() => process.exit(130)));

let failed = true;
try {
  const r = await run.run({ kills, log: (line) => console.log(line) });
  const problems = [...r.lost, ...r.duplicates, ...r.resumeMismatches, ...r.brokenChains.map((k) => `${k}: audit chain broken`)];
  for (const line of problems.slice(0, 40)) console.log(`  ${line}`);
  if (problems.length > 40) console.log(`  … and ${problems.length - 40} more`);
  console.log(
    [
      `kills: ${r.kills}`,
      `answers entered: ${r.entered} (+ ${r.autofilled} auto-filled)`,
      `answers lost: ${r.lost.length}`,
      `duplicates: ${r.duplicates.length}`,
      `resume mismatches: ${r.resumeMismatches.length}`,
      `broken audit chains: ${r.brokenChains.length}`,
      `session restores: ${r.restoredPages.length}`,
      `time: ${(r.ms / 1000).toFixed(1)} s (per cycle: answer ${r.phases.answer} ms, kill ${r.phases.kill} ms, relaunch ${r.phases.launch} ms, reopen ${r.phases.reopen} ms)`,
    ].join('\n'),
  );
  failed = problems.length > 0 || r.kills !== kills;
} catch (error) {
  console.error(error);
} finally {
  await run.dispose();
}
process.exit(failed ? 1 : 0);
