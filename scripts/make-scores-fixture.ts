/**
 * Builds test/fixtures/scores/leads-with-scores.csv: a CRM export with a vendor's lead score
 * and no model, for the page's "scores from a column" (test/e2e/scores.test.ts).
 *
 *   npx tsx scripts/make-scores-fixture.ts
 *
 * Rows: every 22nd row of the bank demo (public/demo/bank/bank-full.csv, rows 0, 22, 44, …),
 * the first 2,000 of them, with all their columns, comma-separated. Added columns:
 *   vendor_score  P(subscribes) from a fixed logistic formula (below), rounded to 4 decimals;
 *   vendor_call   1 when vendor_score ≥ 0.25 (the vendor's call decision), else 0.
 * The formula leans on what a vendor sees at the first contact and, like many vendor scores,
 * marks older leads down (−0.02 log-odds per year over 40), so the audit by age has a gap
 * to find. Deterministic: no randomness, the same input gives the same bytes.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(root, 'public/demo/bank/bank-full.csv');
const OUT = join(root, 'test/fixtures/scores/leads-with-scores.csv');
const EVERY = 22;
const ROWS = 2000;

/** The vendor's score of one lead (its fields by column name). */
function vendorScore(r: Record<string, string>): number {
  const age = Number(r.age);
  const balance = Number(r.balance);
  const z =
    -2.1 +
    1.9 * Number(r.poutcome === 'success') +
    0.5 * Number(r.contact === 'cellular') -
    0.7 * Number(r.housing === 'yes') -
    0.4 * Number(r.loan === 'yes') +
    0.3 * Number(r.marital === 'single') +
    0.25 * Number(r.education === 'tertiary') +
    0.5 * Number(r.job === 'student' || r.job === 'retired') +
    0.0001 * Math.min(Math.max(balance, 0), 5000) -
    0.02 * Math.max(age - 40, 0);
  return 1 / (1 + Math.exp(-z));
}

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

function main(): void {
  const lines = readFileSync(SOURCE, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(';').map(unquote);
  const out: string[] = [[...header, 'vendor_score', 'vendor_call'].join(',')];
  for (let i = 1; i < lines.length && out.length <= ROWS; i += EVERY) {
    const cells = lines[i].split(';').map(unquote);
    const r = Object.fromEntries(header.map((h, j) => [h, cells[j]]));
    const score = Math.round(vendorScore(r) * 1e4) / 1e4;
    out.push([...cells, score.toFixed(4), score >= 0.25 ? '1' : '0'].join(','));
  }
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, out.join('\n') + '\n');
  process.stdout.write(`${out.length - 1} rows → ${OUT}\n`);
}

main();
