/** zod error messages for required text fields that read as instructions, not validator output. */

/**
 * For `z.string({ error })`: "is required: <what>" when the field is missing or null (what Dify
 * sends for a field the model left out), "must be text: <what>" for a value of another type.
 */
export function requiredText(what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined || issue.input === null
      ? `is required: ${what}`
      : `must be text, not a ${typeof issue.input}: ${what}`
}
