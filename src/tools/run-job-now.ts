/** runJobNow: run a job now. */
import { jobStateChangeTool } from './job-state-change.ts'
import type { ToolDeps } from './types.ts'

export function runJobNowTool({ scheduler }: ToolDeps) {
  return jobStateChangeTool({
    name: 'runJobNow',
    verb: 'run',
    title: 'Run a job now',
    description:
      'Runs the job once right now, in addition to its schedule (which stays as it is). Works on paused, completed and failed jobs too.',
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    },
    change: (jobId, actor) => scheduler.runJobNow(jobId, actor),
  })
}
