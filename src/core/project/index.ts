/** Projects: the document (types, validation, migration) and the project file (zip). */
export { PROJECT_FORMAT, PROJECT_VERSION, type Project, type ProjectBundle, type ProjectCompare, type ProjectDataset, type ProjectModel, type ProjectScenario } from './types';
export { migrateProject, projectVersion } from './migrate';
export { validateProject } from './validate';
export { decodeProject, encodeProject, entryName, projectSize, sha256Hex } from './zip';
export { anonymiseProjectData, neededColumns, previewProjectData, tableToCsv, type DataPreview } from './anonymise';
