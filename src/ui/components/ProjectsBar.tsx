import { memo, useState } from 'react';
import { sizeText, type ProjectListing, type SaveStatus } from '../../client/projects';
import type { IdentifierAction, IdentifierFinding } from '../../core/anonymise';
import type { SavePreview, WantedData } from '../use-project';

/** When a save happened, as a time of day. */
const timeOf = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function StatusLine({ status }: { status: SaveStatus }) {
  switch (status.state) {
    case 'off':
      return <>Not saved yet: a project starts when data is loaded.</>;
    case 'saving':
      return <>Saving…</>;
    case 'saved':
      return (
        <>
          Saved in this browser at {timeOf(status.at)} ({sizeText(status.size)})
        </>
      );
    case 'failed':
      return (
        <strong className="warning">
          {status.problem.message} {status.problem.hint}
        </strong>
      );
  }
}

/** A project opened without its data asks for the CSV; the right file is known by its SHA-256. */
function WantedPrompt({ wanted, onData, onCancel }: { wanted: WantedData; onData: (f: File) => void; onCancel: () => void }) {
  return (
    <div className="projects-row notice" role="alert" data-testid="project-wants-data">
      <span>
        The project <strong>{wanted.project}</strong> was saved without its data. Choose <strong>{wanted.name}</strong> (the same file: SHA-256 {wanted.contentHash.slice(0, 12)}…) to open it.
      </span>
      <label className="file-label">
        Choose {wanted.name}{' '}
        <input
          type="file"
          accept=".csv,.tsv,.txt,text/csv"
          data-testid="project-data"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) onData(f);
          }}
        />
      </label>
      <button onClick={onCancel}>Not now</button>
    </div>
  );
}

/**
 * Before a project file with its data is made: the identifier-like columns it would carry
 * (dropped, or replaced by salted pseudonyms, as the person chooses), and those kept because
 * the project needs them. Nothing is written until the person chooses.
 */
function SavePreviewBox({ preview, onConfirm }: { preview: SavePreview; onConfirm: (a: IdentifierAction | null, f: IdentifierFinding[]) => void }) {
  const [action, setAction] = useState<IdentifierAction>('drop');
  const none = preview.findings.length === 0;
  return (
    <div className="projects-row notice" role="dialog" aria-label="What leaves this page" data-testid="project-save-preview">
      <div>
        <strong>Saving {preview.name} with the data.</strong>{' '}
        {none ? (
          <span data-testid="project-save-nothing">No identifier-like column (ids, e-mails, phones, names) was found: the data is saved as it was loaded.</span>
        ) : (
          <>
            These identifier-like columns will be{' '}
            <select value={action} onChange={(e) => setAction(e.target.value as IdentifierAction)} aria-label="What to do with identifier columns" data-testid="project-identifier-action">
              <option value="drop">removed</option>
              <option value="hash">replaced by salted pseudonyms</option>
            </select>
            :
            <ul data-testid="project-removed">
              {preview.findings.map((f) => (
                <li key={f.column}>
                  <code>{f.column}</code> — {f.reason}
                </li>
              ))}
            </ul>
            The Monitor tab's data and the workshop results (their lead ids come from the data), if any, are left out of this file.
          </>
        )}
        {preview.kept.length > 0 && (
          <p data-testid="project-kept">
            Kept because the project needs them: {preview.kept.map((k) => `${k.column} (${k.why})`).join(', ')}.
          </p>
        )}
      </div>
      <button className="primary" onClick={() => onConfirm(action, preview.findings)} data-testid="project-save-confirm">
        Save the file
      </button>
      <button onClick={() => onConfirm(null, [])}>Cancel</button>
    </div>
  );
}

/**
 * The project control in the page's header: the current project's name and save state, Save
 * project (a .zip, with the data or not), Open project (a .zip), and the projects kept in this
 * browser with their size (open, delete). It renders and dispatches; the work is useProject's.
 */
export const ProjectsBar = memo(function ProjectsBar(props: {
  currentId: string | null;
  name: string | null;
  status: SaveStatus;
  list: ProjectListing[];
  onRename: (name: string) => void;
  onSave: (includeData: boolean) => void;
  /** Save project with the data: what would leave the page, for the person to confirm */
  preview: SavePreview | null;
  onConfirmSave: (action: IdentifierAction | null, findings: IdentifierFinding[]) => void;
  /** a project opened without its data: the CSV it asks for */
  wanted: WantedData | null;
  onData: (file: File) => void;
  onCancelWanted: () => void;
  onOpenFile: (file: File) => void;
  onOpen: (id: string) => void;
  onDelete: (id: string) => void;
}) {
  const [includeData, setIncludeData] = useState(true);
  return (
    <section className="projects-bar" aria-label="Project">
      <div className="projects-row">
        {props.name !== null && (
          <label>
            Project{' '}
            <input value={props.name} onChange={(e) => props.onRename(e.target.value)} data-testid="project-name" aria-label="Project name" size={24} />
          </label>
        )}
        <span role="status" data-testid="project-status" data-state={props.status.state}>
          <StatusLine status={props.status} />
        </span>
      </div>
      {props.wanted && <WantedPrompt wanted={props.wanted} onData={props.onData} onCancel={props.onCancelWanted} />}
      {props.preview && <SavePreviewBox preview={props.preview} onConfirm={props.onConfirmSave} />}
      <div className="projects-row">
        <button onClick={() => props.onSave(includeData)} disabled={props.name === null} data-testid="project-save" title="Download this project as one .zip file">
          Save project
        </button>
        <label>
          <input type="checkbox" checked={includeData} onChange={(e) => setIncludeData(e.target.checked)} data-testid="project-include-data" /> include the data
        </label>
        <label className="file-label">
          Open project{' '}
          <input
            type="file"
            accept=".zip,application/zip"
            data-testid="project-open"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) props.onOpenFile(f);
            }}
          />
        </label>
        {props.list.length > 0 && (
          <details data-testid="project-list">
            <summary>Projects in this browser ({props.list.length})</summary>
            <table className="projects">
              <caption className="visually-hidden">Projects kept in this browser</caption>
              <thead>
                <tr>
                  <th scope="col">project</th>
                  <th scope="col">size</th>
                  <th scope="col">changed</th>
                  <th scope="col">
                    <span className="visually-hidden">actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.list.map((p) => (
                  <tr key={p.id} data-testid="project-row">
                    <td>{p.name}</td>
                    <td>{sizeText(p.size)}</td>
                    <td>{new Date(p.updated).toLocaleString()}</td>
                    <td>
                      {p.id === props.currentId ? (
                        <em>open</em>
                      ) : (
                        <>
                          <button onClick={() => props.onOpen(p.id)} aria-label={`Open project ${p.name}`}>
                            Open
                          </button>{' '}
                          <button onClick={() => props.onDelete(p.id)} aria-label={`Delete project ${p.name}`} data-testid="project-delete">
                            Delete
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        )}
      </div>
    </section>
  );
});
