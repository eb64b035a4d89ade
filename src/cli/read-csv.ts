/**
 * Node side: stream a CSV file from disk through the core CSV reader.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createCsvReader, type CsvOptions, type ParsedCsv } from '../core/csv';
import { WorkbenchError } from '../core/errors';

const CHUNK = 1 << 20;

function readError(path: string, e: unknown): WorkbenchError {
  const code = (e as { code?: string } | null)?.code;
  const why =
    code === 'ENOENT' ? 'no such file'
    : code === 'EISDIR' ? 'it is a directory'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : e instanceof Error ? e.message : String(e);
  return new WorkbenchError('csv-malformed', `cannot read ${path}: ${why}`, 'Check the path and that the file is a readable CSV file.');
}

/**
 * Reads a CSV file in 1 MiB chunks through {@link createCsvReader} and returns the parsed
 * table. `onProgress(bytesRead, totalBytes)` is called after each chunk. A file that cannot be
 * opened or read throws WorkbenchError('csv-malformed', "cannot read PATH: no such file" /
 * "it is a directory" / "permission denied" / the system message); parse errors are the
 * reader's own (csv-empty, csv-binary, csv-ragged, …).
 */
export async function readCsvFile(
  path: string,
  options?: CsvOptions,
  onProgress?: (bytes: number, total: number) => void,
): Promise<ParsedCsv> {
  let total: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    total = s.size;
  } catch (e) {
    throw readError(path, e);
  }
  const reader = createCsvReader(options);
  const stream = createReadStream(path, { highWaterMark: CHUNK });
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      reader.push(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
      bytes += buf.byteLength;
      onProgress?.(bytes, total);
    }
  } catch (e) {
    stream.destroy();
    if (e instanceof WorkbenchError) throw e;
    throw readError(path, e);
  }
  return reader.finish();
}
