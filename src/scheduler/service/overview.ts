/** The dashboard's overview: jobs per status, the due backlog, attempts per hour and lateness. */
import { queueName } from '../engine/boss.ts'
import { countDueNotStarted } from '../engine/boss-backlog.ts'
import {
  countAttemptsPerHour,
  countJobsByStatus,
  countLateness,
  type HourCount,
  LATENESS_BUCKETS_MS,
} from '../repository/stats.ts'
import type { JobStatus } from '../states.ts'
import type { ServiceContext } from './context.ts'

const HOURS_SHOWN = 24
/** An occurrence counts as due-but-not-started once it is this late (as the metrics gauge does). */
const DUE_GRACE_MS = 1_000

export interface Overview {
  now: string
  jobs: Record<JobStatus, number>
  /** Occurrences due (more than a second ago) that no worker has started. */
  due_not_started: number
  /** The last 24 whole hours, oldest first. */
  attempts_per_hour: HourCount[]
  /** First attempts of scheduled occurrences in the last 24 hours, by how late they started. */
  lateness: { upper_ms: number | null; count: number }[]
}

export async function getOverview(ctx: ServiceContext): Promise<Overview> {
  const now = ctx.clock.now()
  const since = new Date(now.getTime() - HOURS_SHOWN * 3_600_000)
  const [jobs, due, hours, lateness] = await Promise.all([
    countJobsByStatus(ctx.pool),
    countDueNotStarted(
      ctx.pool,
      ctx.registry.kinds().map(queueName),
      new Date(now.getTime() - DUE_GRACE_MS),
    ),
    countAttemptsPerHour(ctx.pool, now, HOURS_SHOWN),
    countLateness(ctx.pool, since),
  ])
  return {
    now: now.toISOString(),
    jobs,
    due_not_started: due,
    attempts_per_hour: hours,
    lateness: lateness.map((count, i) => ({ upper_ms: LATENESS_BUCKETS_MS[i] ?? null, count })),
  }
}
