import { memo, useState } from 'react';
import { sizeText, type ProjectListing, type SaveStatus } from '../../client/projects';

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
