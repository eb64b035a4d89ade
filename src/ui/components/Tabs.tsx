import { useRef, type KeyboardEvent } from 'react';

export interface TabItem<T extends string> {
  id: T;
  label: string;
  disabled?: boolean;
  /** why the tab is disabled, for the tooltip */
  reason?: string;
}

/**
 * A WAI-ARIA tab list (automatic activation): one tab in the Tab order (the selected one);
 * Left/Right arrows move to the previous/next enabled tab and open it, Home/End to the first
 * and last. Each tab controls the panel `panel-<id>` (see TabPanel).
 */
export function Tabs<T extends string>({ tabs, selected, onSelect, label }: { tabs: TabItem<T>[]; selected: T; onSelect: (id: T) => void; label: string }) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const enabled = tabs.filter((t) => !t.disabled);
  const move = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = enabled.findIndex((t) => t.id === selected);
    let next: TabItem<T> | undefined;
    if (e.key === 'ArrowRight') next = enabled[(i + 1) % enabled.length];
    else if (e.key === 'ArrowLeft') next = enabled[(i - 1 + enabled.length) % enabled.length];
    else if (e.key === 'Home') next = enabled[0];
    else if (e.key === 'End') next = enabled[enabled.length - 1];
    if (!next) return;
    e.preventDefault();
    onSelect(next.id);
    refs.current.get(next.id)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={move}>
      {tabs.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            if (el) refs.current.set(t.id, el);
            else refs.current.delete(t.id);
          }}
          type="button"
          role="tab"
          id={`tab-${t.id}`}
          aria-controls={`panel-${t.id}`}
          aria-selected={selected === t.id}
          tabIndex={selected === t.id ? 0 : -1}
          className={selected === t.id ? 'active' : ''}
          disabled={t.disabled}
          title={t.disabled ? t.reason : undefined}
          onClick={() => onSelect(t.id)}
          data-testid={`tab-${t.id}`}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** The panel a tab controls; hidden (and out of the accessibility tree) unless selected. */
export function TabPanel({ id, selected, children, className }: { id: string; selected: boolean; children: React.ReactNode; className?: string }) {
  return (
    <section role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} hidden={!selected} tabIndex={0} className={className} data-testid={`panel-${id}`}>
      {children}
    </section>
  );
}
