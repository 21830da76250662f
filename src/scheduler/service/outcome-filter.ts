/** The `outcome` filter of listJobs and listExecutions: how an attempt ended. */
import { fieldProblem } from '../../problem-error.ts'
import { EXECUTION_OUTCOMES, type ExecutionOutcomeFilter } from '../repository/executions.ts'
import { isGiven } from './fields.ts'

/** The outcome asked for, or undefined; a value not in `allowed` is a 422 naming them. */
export function parseOutcome<T extends ExecutionOutcomeFilter>(
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  if (!isGiven(value)) return undefined
  const outcome = String(value).trim().toLowerCase()
  if ((allowed as readonly string[]).includes(outcome)) return outcome as T
  throw fieldProblem(
    'outcome',
    `"${String(value)}" is not an outcome.`,
    `Use one of: ${allowed.join(', ')}; or leave it empty for all.`,
  )
}

export { EXECUTION_OUTCOMES }
