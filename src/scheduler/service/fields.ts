/** Validation of the fields every job shares (name, tags, attempts…), beyond what the route schemas check. */
import { createHash } from 'node:crypto'
import { fieldProblem, notFoundProblem } from '../../problem-error.ts'
import type { TimingInput } from '../timing/index.ts'

export const DEFAULT_MAX_ATTEMPTS = 3
export const MAX_TAGS = 20
const TAG = /^[\p{L}\p{N}_.:/-]{1,50}$/u
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Every field that says when a job runs (the audit trail keeps them as sent). */
export const TIMING_FIELDS = [
  'run_at',
  'delay',
  'every',
  'cron',
  'timezone',
  'starts_at',
  'ends_at',
  'max_runs',
] as const

/** null, undefined and blank strings all mean "not given" (Dify 0.15 sends null for omitted fields). */
export function isGiven(value: unknown): boolean {
  return (
    value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '')
  )
}

/** Tags as comma-separated text (the OpenAPI face) or a list (MCP). */
export function parseTags(value: unknown): string[] {
  if (!isGiven(value)) return []
  const given = Array.isArray(value) ? value.map(String) : String(value).split(',')
  const tags = [...new Set(given.map((t) => t.trim().toLowerCase()).filter(Boolean))]
  if (tags.length > MAX_TAGS)
    throw fieldProblem('tags', `has more than ${MAX_TAGS} tags.`, 'Send fewer tags.')
  for (const tag of tags) {
    if (!TAG.test(tag)) {
      throw fieldProblem(
        'tags',
        `"${tag}" is not a valid tag.`,
        'Use comma-separated words of letters, digits, - _ . : /, e.g. "reminders,clients".',
      )
    }
  }
  return tags
}

export function timingInput(input: Record<string, unknown>): TimingInput {
  const pick = (key: string) => (isGiven(input[key]) ? input[key] : null)
  return {
    run_at: pick('run_at') as string | null,
    delay: pick('delay') as string | null,
    every: pick('every') as string | null,
    cron: pick('cron') as string | null,
    timezone: pick('timezone') as string | null,
    starts_at: pick('starts_at') as string | null,
    ends_at: pick('ends_at') as string | null,
    max_runs: pick('max_runs') as number | null,
  }
}

/**
 * A value as the OpenAPI face sends it: a list as comma-separated text, an object as JSON text. MCP
 * sends these nested; hashing the flat form lets the same content hash the same through either.
 */
function flatForm(value: unknown): unknown {
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return value.join(',')
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : value
}

/**
 * sha256 over the request's given fields in a fixed order, each in its flat form: identical retries
 * hash the same, and so does the same content sent through the other face.
 */
export function contentHash(kind: string, input: Record<string, unknown>): string {
  const given = Object.keys(input)
    .filter((key) => isGiven(input[key]))
    .sort()
    .map((key) => [key, flatForm(input[key])])
  return createHash('sha256')
    .update(JSON.stringify([kind, given]))
    .digest('hex')
}

/** A job id from a path: anything that is not a UUID cannot exist, so it is a 404, not a 422. */
export function assertJobId(id: string, what = 'Job'): void {
  if (!UUID.test(id)) {
    throw notFoundProblem(
      what,
      `There is no ${what.toLowerCase()} with id "${id}". Ids are UUIDs; use listJobs to find one.`,
    )
  }
}
