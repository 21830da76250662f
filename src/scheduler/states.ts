/** Job and execution states as frozen constants; the SQL CHECK constraints list the same values. */

export const JOB_STATUS = Object.freeze({
  scheduled: 'scheduled',
  paused: 'paused',
  completed: 'completed',
  cancelled: 'cancelled',
  failed: 'failed',
} as const)
export type JobStatus = (typeof JOB_STATUS)[keyof typeof JOB_STATUS]
export const JOB_STATUSES = Object.values(JOB_STATUS) as readonly JobStatus[]

export const EXECUTION_STATUS = Object.freeze({
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
} as const)
export type ExecutionStatus = (typeof EXECUTION_STATUS)[keyof typeof EXECUTION_STATUS]

/** Error classes recorded on failed executions. Actions may add their own (e.g. `dify_error`). */
export const ERROR_CLASS = Object.freeze({
  httpStatus: 'http_status',
  timeout: 'timeout',
  network: 'network',
  blocked: 'blocked',
  abandoned: 'abandoned',
  shutdown: 'shutdown',
  internal: 'internal',
} as const)

/** The error message of an attempt closed as `abandoned`: its process went away before recording it. */
export const ABANDONED_MESSAGE = 'The process running this attempt stopped before it finished.'
