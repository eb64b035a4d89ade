import { useId, useMemo, useState } from 'react';
import { count, num } from '../../core/format';
import { nearestLeads, typedRow } from './lead-search';

/** How many explained leads the picker lists for a typed row number. */
const LISTED = 8;

/**
 * The lead the Explain tab's waterfall shows, chosen among the explained leads. A `<select>`
 * with one option per lead (1,000 by default) cost a long task to lay out each time a run
 * finished; this lists at most LISTED leads at a time. A search box (the ARIA combobox
 * pattern): type a row number and the nearest explained leads are listed in row order, the
 * nearest of them active; the arrow keys move through them, Enter picks the active one, Escape
 * closes the list. Previous and next step through the
 * leads in the order they were explained, and the lead shown is named beside them.
 */
export function LeadPicker(props: { rows: Uint32Array; scores: ArrayLike<number>; value: number; onChange: (index: number) => void }) {
  const { rows, scores, value, onChange } = props;
  const id = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  /** the option the arrow keys moved to; null: the lead nearest to the typed row */
  const [moved, setMoved] = useState<number | null>(null);
  const typed = typedRow(text);
  const listed = useMemo(() => (typed === null ? [] : nearestLeads(rows, typed, LISTED)), [rows, typed]);
  const shown = open && listed.length > 0;
  const nearest = typed === null ? 0 : listed.reduce((b, i, k) => (Math.abs(rows[i] + 1 - typed) < Math.abs(rows[listed[b]] + 1 - typed) ? k : b), 0);
  const active = Math.min(moved ?? nearest, listed.length - 1);
  const describe = (i: number) => `row ${count(rows[i] + 1)} · score ${num(scores[i], 3)}`;

  const pick = (i: number) => {
    onChange(i);
    setOpen(false);
    setText('');
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!listed.length) return;
      if (!shown) setOpen(true);
      else setMoved((active + (e.key === 'ArrowDown' ? 1 : listed.length - 1)) % listed.length);
    } else if (e.key === 'Enter') {
      if (!shown) return;
      e.preventDefault();
      pick(listed[active]);
    } else if (e.key === 'Escape' && shown) {
      // only closes the list: a run's Cancel (Escape anywhere) is not this key press
      e.preventDefault();
      setOpen(false);
    }
  };

  return (
    <div className="lead-picker" data-testid="lead-picker">
      <div className="controls">
        <button onClick={() => onChange(value - 1)} disabled={value <= 0} data-testid="lead-previous" aria-label="previous explained lead">
          ‹ previous
        </button>
        <output data-testid="lead-current" aria-live="polite">
          {describe(value)} <span className="hint">(lead {count(value + 1)} of {count(rows.length)} explained)</span>
        </output>
        <button onClick={() => onChange(value + 1)} disabled={value >= rows.length - 1} data-testid="lead-next" aria-label="next explained lead">
          next ›
        </button>
        <div className="lead-search">
          <label htmlFor={`${id}-input`}>find a lead by row number</label>{' '}
          <input
            id={`${id}-input`}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            role="combobox"
            aria-expanded={shown}
            aria-controls={`${id}-list`}
            aria-autocomplete="list"
            aria-activedescendant={shown ? `${id}-option-${active}` : undefined}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setOpen(true);
              setMoved(null);
            }}
            onKeyDown={onKeyDown}
            onBlur={() => setOpen(false)}
            data-testid="lead-search"
          />
          <ul id={`${id}-list`} role="listbox" aria-label="explained leads nearest to that row" hidden={!shown} className="lead-options" data-testid="lead-options">
            {shown &&
              listed.map((i, k) => (
                <li
                  key={i}
                  id={`${id}-option-${k}`}
                  role="option"
                  aria-selected={k === active}
                  // keeps the focus in the search box, so its blur does not close the list first
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => pick(i)}
                >
                  {describe(i)}
                </li>
              ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
