/** Prometheus metrics in one registry per app instance (no globals, so tests can build many apps). */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

export interface Metrics {
  registry: Registry
  httpRequests: Counter<'method' | 'route' | 'status'>
  httpDuration: Histogram<'method' | 'route' | 'status'>
  /** Tool calls by tool, face (api, mcp, ui) and outcome (ok, rejected, unavailable, error). */
  toolCalls: Counter<'tool' | 'face' | 'outcome'>
  toolDuration: Histogram<'tool' | 'face'>
}

export function createMetrics({ collectProcess = true } = {}): Metrics {
  const registry = new Registry()
  if (collectProcess) collectDefaultMetrics({ register: registry })
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const toolCalls = new Counter({
    name: 'tool_calls_total',
    help: 'Agent tool calls by tool, face (api, mcp, ui) and outcome (ok, rejected, unavailable, error)',
    labelNames: ['tool', 'face', 'outcome'] as const,
    registers: [registry],
  })
  const toolDuration = new Histogram({
    name: 'tool_call_duration_seconds',
    help: 'Agent tool call duration by tool and face',
    labelNames: ['tool', 'face'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  return { registry, httpRequests, httpDuration, toolCalls, toolDuration }
}

export interface SchedulerMetrics {
  executions: Counter<'action' | 'outcome'>
  lateness: Histogram<'action'>
  attemptDuration: Histogram<'action'>
}

/**
 * Scheduler metrics on the same registry. `countDueNotStarted` is read at scrape time: occurrences
 * (scheduled, retries, manual runs) already due but not started, from pg-boss's job table (a growing
 * number means the workers are behind or down).
 */
export function createSchedulerMetrics(
  registry: Registry,
  countDueNotStarted: () => Promise<number>,
): SchedulerMetrics {
  new Gauge({
    name: 'scheduler_due_not_started',
    help: 'Occurrences (scheduled, retries, manual runs) due over a second ago that no worker has started',
    registers: [registry],
    async collect() {
      try {
        this.set(await countDueNotStarted())
      } catch {
        // The database is unreachable; /readyz says so. Keep the last value.
      }
    },
  })
  return {
    executions: new Counter({
      name: 'scheduler_executions_total',
      help: 'Finished attempts by action and outcome (succeeded, failed)',
      labelNames: ['action', 'outcome'] as const,
      registers: [registry],
    }),
    lateness: new Histogram({
      name: 'scheduler_fire_lateness_seconds',
      help: 'Attempt start minus the occurrence due time, first attempts only',
      labelNames: ['action'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    attemptDuration: new Histogram({
      name: 'scheduler_attempt_duration_seconds',
      help: 'How long attempts took, by action',
      labelNames: ['action'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  }
}

export interface RetentionMetrics {
  /** Rows the retention pass deleted, by table (job_executions, scheduled_jobs, job_changes). */
  rowsDeleted: Counter<'table'>
  passDuration: Histogram
  /** When the last pass finished (Unix seconds); 0 until one has run on this replica. */
  lastPassAt: Gauge
}

/** Retention metrics (engine/retention.ts) on the same registry. */
export function createRetentionMetrics(registry: Registry): RetentionMetrics {
  return {
    rowsDeleted: new Counter({
      name: 'scheduler_retention_rows_deleted_total',
      help: 'Rows deleted by the retention pass, by table (job_executions, scheduled_jobs, job_changes)',
      labelNames: ['table'] as const,
      registers: [registry],
    }),
    passDuration: new Histogram({
      name: 'scheduler_retention_pass_duration_seconds',
      help: 'How long a retention pass took, pauses between batches included',
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers: [registry],
    }),
    lastPassAt: new Gauge({
      name: 'scheduler_retention_last_pass_timestamp_seconds',
      help: 'When this replica last finished a retention pass (Unix time); 0 if never',
      registers: [registry],
    }),
  }
}
