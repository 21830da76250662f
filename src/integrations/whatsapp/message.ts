/** Validates the text of a WhatsApp message as agents send it. */
import { fieldProblem } from '../../problem-error.ts'

/** WhatsApp accepts far longer texts; a reminder or notice longer than this is almost surely a mistake. */
export const MAX_MESSAGE_CHARS = 4_096

/** The text as given (line breaks kept); a blank or over-long text is a 422 naming `field`. */
export function parseMessageText(raw: unknown, field = 'message'): string {
  const text = typeof raw === 'string' ? raw : ''
  if (text.trim() === '') {
    throw fieldProblem(
      field,
      'is empty.',
      'Send the text of the message, e.g. "Hi Ana, your appointment is tomorrow at 9:00."',
    )
  }
  if (text.length > MAX_MESSAGE_CHARS) {
    throw fieldProblem(
      field,
      `has ${text.length} characters; at most ${MAX_MESSAGE_CHARS} are allowed.`,
      'Send a shorter message, or split it into several messages.',
    )
  }
  return text
}
