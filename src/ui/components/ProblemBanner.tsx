import type { Problem } from '../../core/errors';

export function ProblemBanner({ problem, onClose }: { problem: Problem; onClose: () => void }) {
  return (
    <div className={problem.code === 'aborted' ? 'banner info' : 'banner error'} role="alert" data-testid="problem" data-code={problem.code}>
      <div>
        <strong>{problem.message}</strong>
        {problem.hint && <p>{problem.hint}</p>}
      </div>
      <button onClick={onClose} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
