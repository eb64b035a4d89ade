/**
 * Streaming CSV → ColumnTable.
 *
 * Bytes arrive in chunks of any size (a chunk may end inside a quoted field, between \r and \n,
 * or inside a multi-byte UTF-8 character). They are decoded with a streaming TextDecoder
 * (`decode.ts`), the delimiter and header are sniffed from the first lines (`sniff.ts`), the
 * text is tokenized per RFC 4180 (`tokenizer.ts`) straight into typed column builders
 * (`columns.ts`); nothing row-shaped is kept. `reader.ts` runs these stages; `values.ts` says
 * what a cell's text means; `retype.ts` converts a column on request.
 *
 * Decisions (see also {@link CsvOptions}):
 * - Delimiter: ',', ';' or tab, sniffed; or runs of spaces/tabs ('whitespace') when no
 *   character splits the rows alike but whitespace does. Text that no delimiter splits and
 *   whose lines look laid out with spaces (fixed-width) is refused (`csv-fixed-width`)
 *   rather than read as one column of whole lines. A one-word header over free text is one
 *   column.
 * - Unquoted fields are trimmed of surrounding spaces; quoted fields are kept verbatim.
 * - Blank lines (nothing, or only spaces, between two newlines) are skipped anywhere in the
 *   file; in a one-column file an empty line is therefore skipped, not read as missing.
 * - A quote never closed is an error (`csv-malformed`), not a field that runs to the end of
 *   the file. A quote inside an unquoted field is literal. Text after a closing quote is kept
 *   as part of the field, with a warning.
 * - Missing tokens (default): '', '?', and case-insensitively 'NA', 'N/A', 'NaN', 'null'
 *   (after trimming; quoted or not). A `missing` option replaces that list and is matched
 *   exactly (after trimming).
 * - A number is plain decimal notation (`-1`, `2.5`, `.5`, `1e-3`): no hex, no thousands
 *   separators, no decimal commas, no Infinity. Such text is categorical.
 * - Type inference: numeric when every non-missing value is a number (a 0/1 column stays
 *   numeric; {@link retypeColumn} makes it categorical/boolean on request); boolean when the
 *   column has exactly two distinct non-missing values, one true-like and one false-like
 *   (true/false, yes/no, y/n, t/f, case-insensitive), with levels ordered [false, true];
 *   otherwise categorical, levels sorted by {@link compareLevels}. A column with no values at
 *   all is categorical with no levels (and a warning).
 * - A row with more or fewer fields than the first is an error (`csv-ragged`) naming its line.
 *
 * Where we differ from papaparse 5 on purpose (held in test/node/csv-peer.test.ts):
 * - papaparse keeps spaces around unquoted fields; we trim them (spreadsheet exports pad
 *   numbers and names, and ' 30' must be the number 30).
 * - papaparse reads an unterminated quote to the end of the file and reports a
 *   `MissingQuotes` error beside the data; we refuse the file, because every later row
 *   would be silently swallowed into one field.
 * - papaparse keeps spaces before an opening quote and the quote characters in the field
 *   (` "a"` → ` "a"`); we treat the quote as opening a quoted field (`a`).
 * - papaparse (with `skipEmptyLines: true`) skips only empty lines; we also skip lines of
 *   spaces only, which papaparse would read as a one-field row.
 * - papaparse returns short and long rows as they are (a `TooFewFields` / `TooManyFields`
 *   error with `header: true`); we refuse the file, naming the line.
 * - papaparse sniffs the delimiter among ',', tab, '|', ';', the record and unit separators;
 *   we sniff ',', ';', tab and whitespace, and refuse space-aligned text.
 */
export type { CsvOptions, Delimiter, ParsedCsv } from './types';
export { booleanToken, compareLevels, parseNumber } from './values';
export { NUMERIC_DICT_CAP } from './columns';
export { createCsvReader, parseCsv, parseCsvText } from './reader';
export { retypeColumn } from './retype';
