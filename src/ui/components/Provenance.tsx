/**
 * What the numbers below were computed for (attribute, decision rule, model, rows…), and, when
 * the settings have changed since, a visible "updating" mark: the numbers stay on screen, greyed,
 * until the new ones arrive, so nothing on screen is ever silently out of date.
 */
export function Provenance({ items, stale, staleText = 'Updating for the new settings…', testId }: { items: string[]; stale: boolean; staleText?: string; testId?: string }) {
  return (
    <p className="provenance" data-testid={testId} data-stale={stale ? 'true' : 'false'} aria-live="polite">
      <span className="provenance-label">Computed for:</span> {items.join(' · ')}
      {stale && (
        <span className="stale-badge" role="status">
          {staleText}
        </span>
      )}
    </p>
  );
}
