/** Turns a listJobs `search` text into the folded words the job search matches. */
import { foldText } from '../text-match.ts'

/** Words that say nothing about which job is meant (English, Portuguese, Spanish). */
const STOP_WORDS = new Set([
  ...['a', 'an', 'the', 'to', 'for', 'of', 'on', 'in', 'at', 'and', 'or', 'me', 'my', 'about'],
  ...['with', 'job', 'jobs', 'que', 'de', 'da', 'do', 'das', 'dos', 'e', 'o', 'os', 'as', 'um'],
  ...['uma', 'para', 'por', 'em', 'no', 'na', 'com', 'sobre', 'pra', 'el', 'la', 'los', 'las'],
  ...['del', 'y', 'con'],
])
const MAX_WORDS = 8

/**
 * Folded, de-duplicated words of at least two characters, stop words dropped unless nothing else
 * is left (text without such words is searched as it is); a plural "s" is dropped from words of four letters or more, so "reminders" finds
 * "Reminder" (words match as substrings).
 */
export function searchWords(text: string): string[] {
  const folded = foldText(text).trim()
  const words = folded.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= 2)
  // Only symbols or one letter ("%", "#", "a"): search for the text itself.
  if (words.length === 0) return folded === '' ? [] : [folded]
  const meaningful = words.filter((word) => !STOP_WORDS.has(word))
  const kept = (meaningful.length > 0 ? meaningful : words).map((word) =>
    word.length >= 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word,
  )
  return [...new Set(kept)].slice(0, MAX_WORDS)
}
