/**
 * Bounds on JSON read from outside (feed files, HTTP API bodies): how deep values may nest. The
 * check is one linear pass over the text, before `JSON.parse`, so a hostile document (100,000
 * nested arrays) is refused with a reason instead of exhausting the stack of the parser or of any
 * recursive walk after it.
 */

/** Deepest nesting accepted (an order file is 4 deep: array → order → customer → address). */
export const MAX_JSON_DEPTH = 64;

/** Why the JSON text nests deeper than `maxDepth`, or undefined. Strings are skipped correctly. */
export function jsonDepthProblem(text: string, maxDepth = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth)
        return `values are nested deeper than ${maxDepth} levels (at character ${i + 1})`;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}
