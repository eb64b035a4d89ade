import type { Problem } from '../../core/errors';

/** A problem as the page shows it everywhere: what is wrong, what to do, dismissable when `onClose` is given. */
export function ProblemBanner({ problem, onClose, testId = 'problem' }: { problem: Problem; onClose?: () => void; testId?: string }) {
  return (
    <div className={problem.code === 'aborted' ? 'banner info' : 'banner error'} role="alert" data-testid={testId} data-code={problem.code}>
      <div>
        <strong>{problem.message}</strong>
        {problem.hint && <p>{problem.hint}</p>}
      </div>
      {onClose && (
        <button onClick={onClose} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
