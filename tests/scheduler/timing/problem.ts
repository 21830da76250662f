/** Test helper: runs a function that must throw a 422 ProblemError and returns it for inspection. */
import assert from 'node:assert/strict'
import { type FieldError, ProblemError } from '../../../src/problem-error.ts'

export function catchProblem(fn: () => unknown): ProblemError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ProblemError) {
      assert.equal(error.status, 422)
      return error
    }
    throw error
  }
  assert.fail('expected a ProblemError to be thrown')
}

/** The single field error of a 422 thrown by `fn`. */
export function catchFieldError(fn: () => unknown): FieldError {
  const problem = catchProblem(fn)
  const first = problem.errors?.[0]
  assert.ok(first, 'the problem has at least one field error')
  return first
}
