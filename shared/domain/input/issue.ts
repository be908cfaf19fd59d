/**
 * The one shape of "this input is wrong" across the OMS: HTTP bodies, storefront order JSON, feed
 * rows, the routing config and CLI flags. The API answers it (`error`, `message`, `field`,
 * `issues`), the CLI prints it, error reports write it (line, field, reason), all through
 * `describeIssue`, so a refusal reads the same wherever it is shown.
 */
export interface FieldIssue {
  /** The field, e.g. `lines[0].quantity`; `` for the whole value. */
  readonly path: string;
  /** What kind of check failed: a JSON Schema keyword (`required`, `pattern`, …) or our own. */
  readonly code: string;
  /** What is wrong, without the field: `is required`, `0 is below 1`. */
  readonly message: string;
}

/** `lines[0].quantity 0 is below 1`, or the message alone for the whole value. */
export const describeIssue = (issue: FieldIssue): string =>
  issue.path ? `${issue.path} ${issue.message}` : issue.message;
