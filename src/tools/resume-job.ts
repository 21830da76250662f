/** resumeJob: resume a paused job. */
import { jobStateChangeTool } from './job-state-change.ts'
import type { ToolDeps } from './types.ts'

export function resumeJobTool({ scheduler }: ToolDeps) {
  return jobStateChangeTool({
    name: 'resumeJob',
    verb: 'resume',
    title: 'Resume a paused job',
    description:
      'Resumes a paused job from its next due time; a one-time job whose time passed while paused runs now.',
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
    change: (jobId, actor) => scheduler.resumeJob(jobId, actor),
  })
}
