/** ClickUp failures as the documented 424: not the caller's mistake, and Dify-style clients drop 5xx bodies. */
import { ProblemError } from '../../problem-error.ts'
import { ClickUpError } from './client.ts'

function advice(err: ClickUpError): string {
  if (err.status === 401) return 'Check CLICKUP_API_TOKEN.'
  if (err.status === 429) return 'ClickUp is rate-limiting this token; try again in a minute.'
  if (err.status === null || err.status >= 500) {
    return 'ClickUp is unreachable or failing; try again in a few minutes.'
  }
  return 'Check the ids and try again.'
}

export const CLICKUP_ERROR_TYPE = 'clickup-error'

/** A ClickUpError as a 424 problem that says what failed and what to do. */
export function clickUpProblem(err: ClickUpError): ProblemError {
  return new ProblemError({
    status: 424,
    type: CLICKUP_ERROR_TYPE,
    title: 'ClickUp refused or failed',
    detail: `${err.message}. ${advice(err)}`,
    extensions: { clickup_status: err.status, clickup_code: err.code },
    cause: err,
  })
}

/** Runs `call`; a ClickUp failure becomes a 424 problem, anything else (the database…) passes through. */
export async function upstream<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    if (err instanceof ClickUpError) throw clickUpProblem(err)
    throw err
  }
}
