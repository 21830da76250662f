/** Keyset-paginated job listing (newest first); stable while jobs are added because it pages on (created_at, id). */
import type { Queryable } from '../../db/pool.ts'
import type { JobStatus } from '../states.ts'
import { JOB_SELECT, type JobRecord, mapJobRow } from './jobs.ts'

export interface JobListFilters {
  status?: JobStatus
  actionKind?: string
  tag?: string
  /** Case-insensitive substring of the name. */
  search?: string
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
  if (filters.search) {
    const pattern = `%${filters.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    where.push(`j.name ilike ${bind(pattern)}`)
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
