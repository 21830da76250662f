/** Normalises the phone numbers agents give to the digits-only international form Evolution expects. */
import { fieldProblem } from '../../problem-error.ts'

/** E.164 allows at most 15 digits; the shortest real international numbers have about 8. */
export const MIN_PHONE_DIGITS = 8
export const MAX_PHONE_DIGITS = 15
export const PHONE_HINT =
  'Send the international number with its country code, e.g. +55 11 99999-9999 or 5511999999999.'

/**
 * `+55 (11) 99999-9999` → `5511999999999`. A leading `+`, spaces, dashes and parentheses are
 * tolerated; anything else, a leading 0 or a wrong length is a 422 naming `field`.
 */
export function normalisePhoneNumber(raw: unknown, field = 'to'): string {
  const text = typeof raw === 'string' ? raw.trim() : ''
  if (text === '') throw fieldProblem(field, 'is required.', PHONE_HINT)
  if (!/^\+?[\d\s()-]+$/.test(text)) {
    throw fieldProblem(
      field,
      `"${text.slice(0, 40)}" may only contain digits, a leading +, spaces, dashes and parentheses.`,
      PHONE_HINT,
    )
  }
  const digits = text.replace(/\D/g, '')
  if (digits.startsWith('0')) {
    throw fieldProblem(
      field,
      `"${text}" starts with 0; it needs the country code instead of 00 or a trunk 0.`,
      PHONE_HINT,
    )
  }
  if (digits.length < MIN_PHONE_DIGITS || digits.length > MAX_PHONE_DIGITS) {
    throw fieldProblem(
      field,
      `"${text}" has ${digits.length} digits; an international number has ${MIN_PHONE_DIGITS}–${MAX_PHONE_DIGITS}.`,
      PHONE_HINT,
    )
  }
  return digits
}

/** `5511999999999` → `+5511999999999`, for summaries and answers. */
export function displayNumber(digits: string): string {
  return `+${digits}`
}
