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
 *   rather than read as one column of whole lines. Free text under a header (words separated
 *   by single spaces, their count varying) stays one column; the rule is in `sniff.ts`.
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
 * Where we differ from papaparse 5 on purpose (each held, with papaparse's result, in
 * test/node/csv-peer.test.ts; everything else there reads to the same fields):
 * - Spaces around unquoted fields are trimmed (papaparse keeps them): spreadsheet exports pad
 *   numbers and names, and ' 30 ' must be the number 30. Tabs are not trimmed.
 * - A space before an opening quote still opens a quoted field (` "B" ` → `B`; papaparse
 *   keeps ` "B" ` with its quotes).
 * - Text after a closing quote is kept in the field with a warning (`"b"c` → `bc`); papaparse
 *   reads on to the end of the file.
 * - An unterminated quote refuses the file (`csv-malformed`); papaparse swallows every later
 *   row into one field and reports `MissingQuotes` beside the data.
 * - Every LF, CRLF or lone CR ends a row; papaparse picks one line end per file and keeps the
 *   others inside fields.
 * - Lines of spaces only are skipped like empty ones; papaparse's `skipEmptyLines: true`
 *   reads them as a one-field row.
 * - A row with too few or too many fields refuses the file naming its line (`csv-ragged`);
 *   papaparse returns it with a `TooFewFields` / `TooManyFields` error. A header with no rows,
 *   or no text at all, is refused too (papaparse returns no data).
 * - Repeated column names are numbered from `_2` (papaparse: from `_1`).
 * - Sniffed delimiters are ',', ';', tab and whitespace; papaparse tries ',', tab, '|', ';' and
 *   the ASCII record/unit separators, and reads words separated by spaces as one field.
 * - Numbers: a leading '+' and integers beyond 2^53 are numbers (papaparse's dynamicTyping
 *   keeps them as text); a column holds Float64 values, so such an integer is rounded to the
 *   nearest double, as papaparse's own parseFloat would. Booleans are inferred per column from two true/false-like values
 *   (yes/no, y/n, t/f, true/false, any case) and the missing tokens above are missing;
 *   papaparse types only true/TRUE/false/FALSE, and only '' as null.
 */
export type { CsvOptions, Delimiter, ParsedCsv } from './types';
export { booleanToken, compareLevels, parseNumber } from './values';
export { NUMERIC_DICT_CAP } from './columns';
export { createCsvReader, parseCsv, parseCsvText } from './reader';
export { retypeColumn } from './retype';
