/** Keyset-paginated job listing (newest first); stable while jobs are added because it pages on (created_at, id). */
import type { Queryable } from '../../db/pool.ts'
import type { JobStatus } from '../states.ts'
import { outcomeCondition } from './executions.ts'
import { JOB_SELECT, type JobRecord, mapJobRow } from './jobs.ts'

/**
 * The searchable text of a job, folded like foldText (text-match.ts): name, description and tags,
 * decomposed, without combining marks, lower-cased. A SQL function (migration 015) that a trigram
 * index covers, so a search reads the matching jobs from the index instead of folding every row.
 */
const SEARCH_TEXT = 'scheduled_job_search_text(j.name, j.description, j.tags)'

export interface JobListFilters {
  status?: JobStatus
  actionKind?: string
  tag?: string
  /** How the job's latest attempt ended (the joined last execution). */
  outcome?: 'failed' | 'succeeded'
  /** Folded words (foldText) to find in name, description and tags, as substrings. */
  searchWords?: readonly string[]
  /** 'all': every word must occur (default); 'any': at least one. */
  searchMode?: 'all' | 'any'
  source?: string
  sourceRef?: string
  /** The last row of the previous page. */
  after?: { createdAt: Date; id: string }
  limit: number
}

/** Up to `limit` jobs; an empty list when nothing matches. */
export async function listJobs(db: Queryable, filters: JobListFilters): Promise<JobRecord[]> {
  const where: string[] = []
  const values: unknown[] = []
  const bind = (value: unknown) => {
    values.push(value)
    return `$${values.length}`
  }
  if (filters.status) where.push(`j.status = ${bind(filters.status)}`)
  if (filters.actionKind) where.push(`j.action_kind = ${bind(filters.actionKind)}`)
  if (filters.tag) where.push(`j.tags @> array[${bind(filters.tag)}]::text[]`)
  if (filters.outcome) where.push(outcomeCondition('e', filters.outcome))
  if (filters.searchWords && filters.searchWords.length > 0) {
    // One LIKE per word on the indexed expression: the trigram index answers each (a conjunction
    // as one bitmap, a disjunction as a BitmapOr); an array form (like all/any) would not use it.
    const matches = filters.searchWords.map(
      (w) => `${SEARCH_TEXT} like ${bind(`%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`,
    )
    where.push(`(${matches.join(filters.searchMode === 'any' ? ' or ' : ' and ')})`)
  }
  if (filters.source) where.push(`j.source = ${bind(filters.source)}`)
  if (filters.sourceRef) where.push(`j.source_ref = ${bind(filters.sourceRef)}`)
  if (filters.after) {
    where.push(
      `(j.created_at, j.id) < (${bind(filters.after.createdAt)}, ${bind(filters.after.id)}::uuid)`,
    )
  }
  const sql = `${JOB_SELECT} ${where.length ? `where ${where.join(' and ')}` : ''}
    order by j.created_at desc, j.id desc limit ${bind(filters.limit)}`
  const result = await db.query(sql, values)
  return result.rows.map(mapJobRow)
}
