/**
 * listJobs: newest first, filtered by status, action, tag and a word search over name, description
 * and tags (case- and accent-insensitive), with a sentence saying what was searched and found.
 */
import { fieldProblem } from '../../problem-error.ts'
import { listJobs as selectJobs } from '../repository/list-jobs.ts'
import { JOB_STATUSES, type JobStatus } from '../states.ts'
import { type JobView, jobView } from '../views.ts'
import type { ServiceContext } from './context.ts'
import { decodeCursor, encodeCursor } from './cursor.ts'
import { isGiven } from './fields.ts'
import { parseOutcome } from './outcome-filter.ts'
import { DEFAULT_PAGE_SIZE } from './read.ts'
import { searchWords } from './search-words.ts'

export interface ListJobsInput {
  status?: string | null
  action?: string | null
  tag?: string | null
  search?: string | null
  outcome?: string | null
  source?: string | null
  source_ref?: string | null
  limit?: number | null
  cursor?: string | null
}

export interface JobList {
  jobs: JobView[]
  next_cursor: string | null
  /** What was searched and found, in a sentence (says so when nothing matched). */
  summary: string
  now: string
}

const text = (value: unknown) => (isGiven(value) ? String(value).trim() : undefined)

function quotedList(words: readonly string[], joiner: string): string {
  const quoted = words.map((w) => `"${w}"`)
  return quoted.length <= 1
    ? quoted.join('')
    : `${quoted.slice(0, -1).join(', ')} ${joiner} ${quoted.at(-1)}`
}

interface Filters {
  status?: JobStatus
  action?: string
  tag?: string
  outcome?: 'failed' | 'succeeded'
  words: string[]
}

function filterWords(filters: Filters): string {
  const parts = [
    ...(filters.status ? [`status ${filters.status}`] : []),
    ...(filters.action ? [`action ${filters.action}`] : []),
    ...(filters.tag ? [`tag "${filters.tag}"`] : []),
    ...(filters.outcome ? [`latest attempt ${filters.outcome}`] : []),
  ]
  return parts.length > 0 ? ` with ${parts.join(', ')}` : ''
}

function describeResult(
  filters: Filters,
  mode: 'all' | 'any',
  count: number,
  more: boolean,
  fellBack: boolean,
): string {
  const where = filterWords(filters)
  const searched =
    filters.words.length > 0
      ? ` whose name, description or tags contain ${quotedList(filters.words, mode === 'all' ? 'and' : 'or')} (ignoring case and accents)`
      : ''
  if (count === 0) {
    if (filters.words.length === 0 && !where) return 'There are no jobs yet.'
    const advice =
      filters.words.length > 0
        ? 'Try fewer or other words (parts of words match too), or call listJobs without search to see every job.'
        : 'Call listJobs without filters to see every job.'
    return `No jobs found${searched}${where}. ${advice}`
  }
  const prefix = fellBack
    ? `No job contains all of ${quotedList(filters.words, 'and')}; showing`
    : 'Showing'
  const page = more ? ' (more with next_cursor)' : ''
  return `${prefix} ${count} job${count === 1 ? '' : 's'}${searched}${where}, newest first${page}.`
}

/** One page of jobs, newest first; with several search words, falls back to any word when none has all. */
export async function listJobs(ctx: ServiceContext, input: ListJobsInput): Promise<JobList> {
  const status = text(input.status)?.toLowerCase()
  if (status && !(JOB_STATUSES as readonly string[]).includes(status)) {
    throw fieldProblem(
      'status',
      `"${status}" is not a job status.`,
      `Use one of: ${JOB_STATUSES.join(', ')}; or leave it empty for all.`,
    )
  }
  const action = text(input.action)?.toLowerCase()
  if (action && !ctx.registry.get(action)) {
    throw fieldProblem(
      'action',
      `"${action}" is not an action type.`,
      `Use one of: ${ctx.registry.kinds().join(', ')}.`,
    )
  }
  const filters: Filters = {
    status: status as JobStatus | undefined,
    action,
    tag: text(input.tag)?.toLowerCase(),
    outcome: parseOutcome(input.outcome, ['failed', 'succeeded'] as const),
    words: searchWords(text(input.search) ?? ''),
  }
  const limit = input.limit ?? DEFAULT_PAGE_SIZE
  const after = decodeCursor(input.cursor)
  const select = (mode: 'all' | 'any') =>
    selectJobs(ctx.pool, {
      status: filters.status,
      actionKind: filters.action,
      tag: filters.tag,
      outcome: filters.outcome,
      searchWords: filters.words,
      searchMode: mode,
      source: text(input.source),
      sourceRef: text(input.source_ref),
      after: after ? { createdAt: after.at, id: after.id } : undefined,
      limit: limit + 1,
    })
  let mode: 'all' | 'any' = after?.mode === 'any' ? 'any' : 'all'
  let rows = await select(mode)
  const fellBack = rows.length === 0 && !after && filters.words.length > 1
  if (fellBack) {
    mode = 'any'
    rows = await select(mode)
  }
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const more = rows.length > limit
  return {
    jobs: page.map((job) => jobView(job, ctx.registry)),
    next_cursor:
      more && last
        ? encodeCursor({ at: last.createdAt, id: last.id, ...(mode === 'any' ? { mode } : {}) })
        : null,
    summary: describeResult(filters, mode, page.length, more, fellBack && page.length > 0),
    now: ctx.clock.now().toISOString(),
  }
}
