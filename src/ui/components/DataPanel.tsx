import { memo, useState } from 'react';
import type { DatasetRoles, ProtectedAttribute } from '../../core/roles';
import type { ColumnType } from '../../core/table';
import type { DatasetSummary } from '../../../workers/workbench.worker';
import { Histogram } from './Histogram';
import { count } from '../../core/format';

type Role = 'target' | 'protected' | 'feature' | 'ignored';

function roleOf(roles: DatasetRoles, column: string): Role {
  if (roles.target.column === column) return 'target';
  if (roles.protected.some((p) => p.column === column)) return 'protected';
  if (roles.features.includes(column)) return 'feature';
  return 'ignored';
}

/** Move one column to a new role; the UI only rearranges the user's choices. */
function assignRole(roles: DatasetRoles, column: string, role: Role, ds: DatasetSummary): DatasetRoles {
  const without = {
    ...roles,
    protected: roles.protected.filter((p) => p.column !== column),
    features: roles.features.filter((f) => f !== column),
    ignored: roles.ignored.filter((f) => f !== column),
  };
  const profile = ds.columns.find((c) => c.name === column);
  if (role === 'target') {
    const old = roles.target.column;
    const positive = profile?.top?.[profile.top.length - 1]?.value ?? '';
    return { ...without, target: { column, positive }, features: old && old !== column ? [...without.features, old] : without.features };
  }
  if (role === 'protected') {
    const attr: ProtectedAttribute = profile?.type === 'numeric' ? { column, cuts: column.toLowerCase().includes('age') ? [25, 40, 60] : defaultCuts(profile) } : { column };
    return { ...without, protected: [...without.protected, attr] };
  }
  if (role === 'feature') return { ...without, features: [...without.features, column] };
  return { ...without, ignored: [...without.ignored, column] };
}

function defaultCuts(p: DatasetSummary['columns'][number]): number[] {
  const q = p.numeric?.quantiles;
  return q ? [...new Set([q.p25, q.p50, q.p75])].sort((a, b) => a - b) : [];
}

function CutsEditor({ attr, onChange }: { attr: ProtectedAttribute; onChange: (cuts: number[]) => void }) {
  const [text, setText] = useState((attr.cuts ?? []).join(', '));
  const [bad, setBad] = useState(false);
  return (
    <label className="cuts" title="Cut points: groups are [-∞, c1), [c1, c2), …, [ck, ∞)">
      groups cut at
      <input
        value={text}
        aria-invalid={bad}
        data-testid={`cuts-${attr.column}`}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          const cuts = text.split(/[,\s]+/).filter(Boolean).map(Number);
          const ok = cuts.every(Number.isFinite) && cuts.every((c, i) => i === 0 || c > cuts[i - 1]);
          setBad(!ok);
          if (ok) onChange(cuts);
        }}
      />
    </label>
  );
}

export const DataPanel = memo(function DataPanel(props: {
  dataset: DatasetSummary | null;
  roles: DatasetRoles | null;
  onRoles: (r: DatasetRoles) => void;
  onRetype: (column: string, type: ColumnType) => void;
  onFile: (f: File) => void;
}) {
  const { dataset, roles } = props;
  return (
    <>
      <h3>Data</h3>
      <label className="file">
        Load a CSV
        <input type="file" accept=".csv,.tsv,.txt,text/csv" data-testid="csv-input" onChange={(e) => e.target.files?.[0] && props.onFile(e.target.files[0])} />
      </label>
      {dataset && roles && (
        <>
          <p className="summary" data-testid="dataset-summary">
            <strong>{dataset.name}</strong>: {count(dataset.nRows)} rows, {dataset.columns.length} columns
            {dataset.delimiter && <> · delimiter “{dataset.delimiter === '\t' ? 'tab' : dataset.delimiter === ' ' ? 'space' : dataset.delimiter}”</>}
            {dataset.parseMs > 0 && <> · parsed in {Math.round(dataset.parseMs)} ms</>}
          </p>
          {dataset.warnings.map((w) => (
            <p key={w} className="warning">
              {w}
            </p>
          ))}
          <div className="target">
            Target <strong>{roles.target.column}</strong>,{' '}
            <label>
              positive value{' '}
              <select
                value={roles.target.positive}
                data-testid="positive-select"
                onChange={(e) => props.onRoles({ ...roles, target: { ...roles.target, positive: e.target.value } })}
              >
              {(dataset.columns.find((c) => c.name === roles.target.column)?.top ?? []).map((t) => (
                <option key={t.value} value={t.value}>
                  {t.value}
                </option>
              ))}
              </select>
            </label>
          </div>
          <table className="columns">
            <thead>
              <tr>
                <th>column</th>
                <th>type</th>
                <th>role</th>
                <th title="missing values">missing</th>
                <th>distinct</th>
                <th>range / top</th>
                <th>distribution</th>
              </tr>
            </thead>
            <tbody>
              {dataset.columns.map((c) => {
                const role = roleOf(roles, c.name);
                const attr = roles.protected.find((p) => p.column === c.name);
                return (
                  <tr key={c.name} className={`role-${role}`}>
                    <td>
                      {c.name}
                      {dataset.overrides[c.name] && <span className="tag" title="type chosen here; the values as read are kept">retyped</span>}
                    </td>
                    <td>
                      <select value={c.type} onChange={(e) => props.onRetype(c.name, e.target.value as ColumnType)} aria-label={`type of ${c.name}`}>
                        <option value="numeric">numeric</option>
                        <option value="categorical">categorical</option>
                        <option value="boolean">boolean</option>
                      </select>
                    </td>
                    <td>
                      <select value={role} onChange={(e) => props.onRoles(assignRole(roles, c.name, e.target.value as Role, dataset))} aria-label={`role of ${c.name}`}>
                        <option value="target">target</option>
                        <option value="protected">protected</option>
                        <option value="feature">feature</option>
                        <option value="ignored">ignored</option>
                      </select>
                      {attr && c.type === 'numeric' && (
                        <CutsEditor attr={attr} onChange={(cuts) => props.onRoles({ ...roles, protected: roles.protected.map((p) => (p.column === c.name ? { ...p, cuts } : p)) })} />
                      )}
                    </td>
                    <td>{c.missing ? count(c.missing) : '—'}</td>
                    <td>{count(c.distinct)}</td>
                    <td className="range">
                      {c.numeric
                        ? `${c.numeric.min} … ${c.numeric.max} (median ${c.numeric.quantiles.p50})`
                        : (c.top ?? [])
                            .slice(0, 3)
                            .map((t) => `${t.value} ${count(t.count)}`)
                            .join(', ')}
                    </td>
                    <td>
                      <Histogram counts={c.histogram.counts} labels={c.histogram.labels} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </>
  );
});
