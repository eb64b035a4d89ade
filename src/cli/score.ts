/**
 * `bias-workbench score`: every row of a CSV scored by a model, written back as CSV with a
 * `score` column appended (P(positive), 7 significant digits).
 */
import { createWriteStream } from 'node:fs';
import { checkManifestAgainstTable, encodeTable } from '../core/manifest';
import { cellText } from '../core/table';
import { readCsvFile } from './read-csv';
import { setupNodeBackend } from './backend';
import { openModelFromDisk } from './load-model';
import { collectNotes, csvField, printNotes } from './common';
import { need, optString, parseFlags } from './flags';

const OPTIONS = {
  data: { type: 'string' },
  model: { type: 'string' },
  manifest: { type: 'string' },
  out: { type: 'string' },
} as const;

export async function scoreCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, OPTIONS);
  const dataPath = need(values, 'data');
  const modelPath = need(values, 'model');
  const manifestPath = optString(values, 'manifest');
  const outPath = optString(values, 'out');
  await setupNodeBackend();
  const parsed = await readCsvFile(dataPath);
  const { opened, manifest } = await openModelFromDisk(modelPath, manifestPath);
  try {
    const { table } = parsed;
    const check = checkManifestAgainstTable(manifest, table, { requireTarget: false });
    const scores = await opened.scorer.predict(encodeTable(table, manifest), table.nRows);
    printNotes(collectNotes(table, { manifest, csvWarnings: parsed.warnings, manifestWarnings: check.warnings }));
    // the output keeps the input's delimiter; whitespace-separated input is written with commas
    const d = parsed.delimiter === 'whitespace' ? ',' : parsed.delimiter;
    const out = outPath ? createWriteStream(outPath) : process.stdout;
    const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
    const cols = table.columns;
    let buf = cols.map((c) => csvField(c.name, d)).concat('score').join(d) + '\n';
    for (let r = 0; r < table.nRows; r++) {
      for (let c = 0; c < cols.length; c++) buf += csvField(cellText(cols[c], r), d) + d;
      buf += scores[r].toPrecision(7) + '\n';
      if (buf.length > 1 << 16) {
        await write(buf);
        buf = '';
      }
    }
    await write(buf);
    if (outPath) {
      await new Promise<void>((r) => (out as ReturnType<typeof createWriteStream>).end(() => r()));
      process.stderr.write(`scored ${table.nRows} rows → ${outPath}\n`);
    }
    return 0;
  } finally {
    opened.dispose();
  }
}
