/**
 * Text from clients (user names, paths) as it may appear in a log line: control characters (C0,
 * DEL, C1, and the Unicode line and paragraph separators) and the backslash are written as
 * escapes, so that no client can end a log line early, forge the next one, or hide text with
 * terminal escape sequences.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return text.replace(/[\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\r') return '\\r';
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
