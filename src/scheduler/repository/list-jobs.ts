/** Keyset-paginated job listing (newest first); stable while jobs are added because it pages on (created_at, id). */
import type { Queryable } from '../../db/pool.ts'
import type { JobStatus } from '../states.ts'
import { outcomeCondition } from './executions.ts'
import { JOB_SELECT, type JobRecord, mapJobRow } from './jobs.ts'

/**
 * The searchable text of a job, folded like foldText (text-match.ts): name, description and tags,
 * decomposed, without combining marks, lower-cased. Computed per row: no index covers it, so the
 * engine's job updates stay HOT (see migration 007) and no extension (unaccent, pg_trgm) is needed.
 */
const SEARCH_TEXT = `lower(regexp_replace(normalize(j.name || ' ' || coalesce(j.description, '') || ' ' || array_to_string(j.tags, ' '), NFD), '[\\u0300-\\u036f]', '', 'g'))`

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
    // The folded text is computed once per row and matched against every pattern.
    const patterns = filters.searchWords.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
    const combine = filters.searchMode === 'any' ? 'bool_or' : 'bool_and'
    where.push(
      `(select ${combine}(folded.text like pattern) from (select ${SEARCH_TEXT} as text) folded, unnest(${bind(patterns)}::text[]) pattern)`,
    )
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
