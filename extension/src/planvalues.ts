/**
 * Filter values as the plan's controls show and read them: comma-separated, a value holding a comma or a
 * quote written in double quotes (as the notebook's controls do), typed like the values they replace.
 */
import { OperatorChoice } from './wire';

/** A value of a filter as the wire carries it. */
export type FilterValue = string | number | boolean | null;

/** `values` as the user edits them: `SMB, "A, B", 5000`. */
export function formatValues(values: FilterValue[]): string {
  return values
    .map(value => {
      const text = value === null ? 'NULL' : String(value);
      return text.includes(',') || text.includes('"')
        ? `"${text.split('"').join('""')}"`
        : text;
    })
    .join(', ');
}

/** The words of `text`, split at commas outside double quotes (`""` in quotes is one quote). */
export function splitValues(text: string): string[] {
  if (text.trim() === '') {
    return [];
  }
  const words: string[] = [];
  let word = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        word += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        word += char;
      }
    } else if (char === '"' && word.trim() === '') {
      quoted = true;
      wasQuoted = true;
      word = '';
    } else if (char === ',') {
      words.push(wasQuoted ? word : word.trim());
      word = '';
      wasQuoted = false;
    } else if (!(wasQuoted && char.trim() === '')) {
      word += char;
    }
  }
  words.push(wasQuoted ? word : word.trim());
  return words;
}

/** `word` as a number, or null when it is not one. */
function numberOf(word: string): number | null {
  const trimmed = word.trim();
  const number = Number(trimmed);
  return trimmed !== '' && Number.isFinite(number) ? number : null;
}

/**
 * The values typed in `text`: numbers where the filter compared numbers (`like`; a word that is not a
 * number stays text, for the server to refuse), text where it compared text, and by their look when it
 * compared nothing yet.
 */
export function parseValues(
  text: string,
  like: FilterValue[] = []
): FilterValue[] {
  const textual = like.length > 0 && like.every(v => typeof v === 'string');
  return splitValues(text).map(word => {
    const number = numberOf(word);
    return textual || number === null ? word : number;
  });
}

/** Whether `count` values are as many as `operator` takes. */
export function fitsOperator(operator: OperatorChoice, count: number): boolean {
  const { min_values: min, max_values: max } = operator;
  return count >= min && (max === null || count <= max);
}
