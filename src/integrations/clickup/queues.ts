/** The ClickUp pg-boss queues: their names, retry policy and job payloads. */

export const EVENTS_QUEUE = 'clickup-events'
export const WRITEBACK_QUEUE = 'clickup-writeback'
export const RECONCILE_QUEUE = 'clickup-reconcile'
export const QUEUE_RETRY = { retryLimit: 8, retryDelay: 5, retryBackoff: true }

export interface EventJobData {
  task_id: string
  event: string
  /** Date of the newest history item (ISO), or the receive time for events without one. */
  event_at: string
  deleted: boolean
  /** after.status of a status history item in the delivery, if any. */
  status_to: string | null
}

/** A job's final outcome, to be written back to its task as a comment and maybe a status. */
export interface OutcomeWriteback {
  job_id: string
  status: 'succeeded' | 'failed'
  error: string | null
}

/** A comment for a task that has no job to report on (e.g. its rule could not schedule one). */
export interface TaskComment {
  task_id: string
  comment: string
}

export type WritebackJobData = OutcomeWriteback | TaskComment
