import type { WorkbenchSession } from '../../client/session';
import type { DatasetRoles } from '../../core/roles';
import type { DatasetSummary, ModelSummary } from '../../../workers/workbench.worker';

export function ComparePanel(_props: { session: WorkbenchSession; dataset: DatasetSummary; model: ModelSummary; roles: DatasetRoles; attribute: string | null }) {
  return (
    <>
      <h2>Mitigate &amp; compare</h2>
      <p className="hint">Scenarios are coming in this build.</p>
    </>
  );
}
