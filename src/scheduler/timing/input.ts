// Cleans a TimingInput and enforces the structural rules: exactly one mode, recurring-only fields, max_runs.

import { type FieldError, fieldProblem, validationProblem } from '../../problem-error.ts'
import { exampleLocalRunAt } from './examples.ts'
import type { TimingInput } from './types.ts'

/** Now and a zone, for examples in hints (never a date that has passed). */
export interface ExampleClock {
  now: Date
  timezone?: string
  defaultTimezone?: string
}

export type TimingMode = 'run_at' | 'delay' | 'every' | 'cron'
export const TIMING_MODES: readonly TimingMode[] = ['run_at', 'delay', 'every', 'cron']
const RECURRING_ONLY = ['starts_at', 'ends_at', 'max_runs'] as const
const TEXT_FIELDS = [
  'run_at',
  'delay',
  'every',
  'cron',
  'timezone',
  'starts_at',
  'ends_at',
] as const

/** The input with "not given" (missing, null, '' or blank) removed and strings trimmed. */
export interface CleanInput {
  run_at?: string
  delay?: string
  every?: string
  cron?: string
  timezone?: string
  starts_at?: string
  ends_at?: string
  max_runs?: number
}

function zoneOf(clock: ExampleClock): string {
  return clock.timezone ?? clock.defaultTimezone ?? 'UTC'
}

/** The four ways to give timing, with examples computed from now. */
function modeExamples(clock: ExampleClock): string {
  return `Send exactly one of: run_at for a date and time (e.g. "${exampleLocalRunAt(clock.now, zoneOf(clock))}", read in timezone ${zoneOf(clock)}), delay for "in …" (e.g. "15m"), every for a fixed interval (e.g. "1h"), or cron for fixed times (e.g. "0 9 * * MON-FRI")`
}

/** Drops not-given fields and rejects values of the wrong type (e.g. run_at: 123). */
export function cleanInput(input: TimingInput, clock: ExampleClock): CleanInput {
  const raw = input as Record<string, unknown>
  const clean: CleanInput = {}
  for (const field of TEXT_FIELDS) {
    const value = raw[field]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') {
      throw fieldProblem(
        field,
        `${field} must be a string`,
        `Send text, e.g. ${field}: ${exampleFor(field, clock)}`,
      )
    }
    const trimmed = value.trim()
    if (trimmed !== '') clean[field] = trimmed
  }
  const maxRuns = raw.max_runs
  if (maxRuns !== undefined && maxRuns !== null && maxRuns !== '') {
    clean.max_runs = checkMaxRuns(maxRuns)
  }
  return clean
}

function exampleFor(field: (typeof TEXT_FIELDS)[number], clock: ExampleClock): string {
  switch (field) {
    case 'delay':
      return '"15m"'
    case 'every':
      return '"1h"'
    case 'cron':
      return '"0 9 * * MON-FRI"'
    case 'timezone':
      return '"Europe/Berlin"'
    default:
      return `"${exampleLocalRunAt(clock.now, zoneOf(clock))}"`
  }
}

/** max_runs must be an integer >= 1. */
export function checkMaxRuns(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw fieldProblem(
      'max_runs',
      `max_runs must be a whole number of at least 1 (how many runs in total), got ${JSON.stringify(value)}`,
      'Send a positive integer, e.g. max_runs: 10, or leave it out for no limit',
    )
  }
  return value
}

/** Exactly one of run_at, delay, every, cron; otherwise a 422 listing what to send. */
export function pickMode(input: CleanInput, clock: ExampleClock): TimingMode {
  const given = TIMING_MODES.filter((mode) => input[mode] !== undefined)
  const [only, ...others] = given
  if (only === undefined) {
    throw fieldProblem(
      'run_at',
      'No timing given: run_at, delay, every and cron are all empty',
      `${modeExamples(clock)}. If the user did not say when, ask them rather than guessing.`,
    )
  }
  if (others.length > 0) {
    const names = listNames(given)
    const errors: FieldError[] = given.map((field) => ({
      field,
      message: `${names} were ${given.length === 2 ? 'both' : 'all'} given, but they are alternatives`,
      hint: `Keep only one of ${names}. ${modeExamples(clock)}.`,
    }))
    throw validationProblem(errors, `Send exactly one of run_at, delay, every, cron; got ${names}.`)
  }
  return only
}

/** starts_at, ends_at and max_runs only make sense for every/cron. */
export function checkRecurringOnly(mode: TimingMode, input: CleanInput): void {
  if (mode === 'every' || mode === 'cron') return
  const offending = RECURRING_ONLY.filter((field) => input[field] !== undefined)
  if (offending.length === 0) return
  const errors: FieldError[] = offending.map((field) => ({
    field,
    message: `${field} applies only to recurring schedules (every or cron), not to ${mode}: a ${mode} job runs once`,
    hint: `Remove ${field}, or make the schedule recurring, e.g. every: "1d" with ${field}`,
  }))
  throw validationProblem(
    errors,
    `${listNames(offending)} ${offending.length === 1 ? 'applies' : 'apply'} only to every or cron schedules, not to ${mode}.`,
  )
}

function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('')
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}
