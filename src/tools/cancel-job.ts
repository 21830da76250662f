/** cancelJob: cancel a job. */
import { jobStateChangeTool } from './job-state-change.ts'
import type { ToolDeps } from './types.ts'

export function cancelJobTool({ scheduler }: ToolDeps) {
  return jobStateChangeTool({
    name: 'cancelJob',
    verb: 'cancel',
    title: 'Cancel a job',
    description:
      'Cancels a job for good; its history stays readable. Use pauseJob to stop it only for a while.',
    annotations: {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
    change: (jobId, actor) => scheduler.cancelJob(jobId, actor),
  })
}
