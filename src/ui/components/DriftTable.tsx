import { memo, useMemo } from 'react';
import type { ColumnDrift } from '../../core/monitor';
import { count, exact, num, pct } from '../../core/format';
import { DRIFT_DEFINITIONS as D } from '../../core/definitions';
import { DRIFT_COLORS, driftLevel, driftTableRows, type DriftLevel } from '../../charts/monitor';

/** A value with a plain inline bar (its length a 0–1 fraction) in the level's colour; the number says it all for a screen reader. */
function BarCell({ value, fraction, level }: { value: number | null | undefined; fraction: number; level: DriftLevel }) {
  return (
    <td className="num">
      <span style={{ display: 'inline-block', width: 64, height: 10, background: '#eef1f5', marginRight: 6, verticalAlign: 'middle' }} aria-hidden="true">
        <span style={{ display: 'block', width: `${Math.round(fraction * 100)}%`, height: '100%', background: DRIFT_COLORS[level] }} />
      </span>
      {value === null || value === undefined ? 'undefined' : num(value)}
    </td>
  );
}

function missingText(n: number, share: number | null): string {
  return n === 0 ? '0' : `${count(n)} (${pct(share)})`;
}

/** Why a measure is undefined, as a short note under the value. */
function why(d: ColumnDrift, key: keyof NonNullable<ColumnDrift['undefined']>): string | null {
  return d.undefined?.[key] ?? null;
}

/**
 * The drift table: per column (the model's scores first) PSI with its level and a bar,
 * Jensen–Shannon distance with a bar, normed Wasserstein (numeric), the KS (numeric) or
 * chi-square (categorical) p-value, missing values per side and the values the reference never
 * had. Rows come sorted and scaled from charts/monitor's driftTableRows; nothing is computed here.
 */
export const DriftTable = memo(function DriftTable({ columns, score }: { columns: ColumnDrift[]; score: ColumnDrift }) {
  const { rows } = useMemo(() => driftTableRows([{ ...score, column: 'model score' }, ...columns]), [columns, score]);
  return (
    <table className="debrief-table" data-testid="drift-table">
      <caption>
        Reference = the loaded dataset, current = the second one. PSI: below 0.1 stable, 0.1–0.25 moderate, 0.25 and above major. p-values below 0.05 read as drift. Missing
        values are left out of every measure and counted here.
      </caption>
      <thead>
        <tr>
          <th scope="col">column</th>
          <th scope="col">kind</th>
          <th scope="col" title={`${D.psi.formula}. ${D.psi.plain}`}>
            {D.psi.label}
          </th>
          <th scope="col">level</th>
          <th scope="col" title={`${D.jensenShannon.formula}. ${D.jensenShannon.plain}`}>
            {D.jensenShannon.label}
          </th>
          <th scope="col" title={`${D.wasserstein.formula}. ${D.wasserstein.plain}`}>
            {D.wasserstein.label}
          </th>
          <th scope="col" title={`KS: ${D.ksPValue.formula}. Chi-square: ${D.chiSquarePValue.formula}.`}>
            p-value (KS / chi-square)
          </th>
          <th scope="col">missing (reference → current)</th>
          <th scope="col">unseen values</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const d = r.drift;
          const pKey = d.kind === 'numeric' ? 'ksPValue' : 'chiSquarePValue';
          return (
            <tr key={d.column} data-testid="drift-row" data-column={d.column} data-level={r.level}>
              <th scope="row">{d.column}</th>
              <td>
                {d.kind}
                <span className="ci">
                  {d.bins} {d.binning === 'sturges' ? 'Sturges bins' : d.binning === 'quantiles' ? 'quantile bins' : 'values'}
                </span>
              </td>
              <BarCell value={d.psi} fraction={r.psiBar} level={r.level} />
              <td>{r.level === 'undefined' ? `undefined${why(d, 'psi') ? ` (${why(d, 'psi')})` : ''}` : r.level}</td>
              <BarCell value={d.jensenShannon} fraction={r.jsBar} level={driftLevel('jensenShannon', d.jensenShannon)} />
              <td className="num">{d.kind === 'numeric' ? (d.wasserstein === null || d.wasserstein === undefined ? 'undefined' : num(d.wasserstein)) : '—'}</td>
              <td className="num">
                {r.pValue === null ? `undefined${why(d, pKey) ? ` (${why(d, pKey)})` : ''}` : exact(r.pValue)}
                <span className="ci">{d.kind === 'numeric' ? 'KS' : 'chi-square'}</span>
              </td>
              <td className="num">
                {missingText(d.missing.reference, r.missingShare.reference)} → {missingText(d.missing.current, r.missingShare.current)}
              </td>
              <td>{d.kind === 'numeric' ? '—' : (d.unseen ?? []).length === 0 ? 'none' : (d.unseen ?? []).slice(0, 5).map((u) => `${u.value} (${count(u.count)})`).join(', ') + ((d.unseen ?? []).length > 5 ? ` and ${(d.unseen ?? []).length - 5} more` : '')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
});
