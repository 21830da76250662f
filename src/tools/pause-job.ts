/** pauseJob: pause a job. */
import { jobStateChangeTool } from './job-state-change.ts'
import type { ToolDeps } from './types.ts'

export function pauseJobTool({ scheduler }: ToolDeps) {
  return jobStateChangeTool({
    name: 'pauseJob',
    verb: 'pause',
    title: 'Pause a job',
    description:
      'Pauses a scheduled job: nothing runs until resumeJob. Pausing a paused job changes nothing.',
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
    change: (jobId, actor) => scheduler.pauseJob(jobId, actor),
  })
}
