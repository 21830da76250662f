/**
 * The dashboard's actions on jobs, as thin calls of the same service functions the tools use (so
 * pause, run now and cancel mean the same everywhere). When the tool registry lands (issue 17),
 * these become calls of its handlers.
 */
import type { Actor, SchedulerService } from '../scheduler/service/index.ts'

export interface JobAction {
  run(service: SchedulerService, jobId: string, actor: Actor): Promise<unknown>
  /** What the page says afterwards. */
  done: string
}

export const JOB_ACTIONS = {
  pause: {
    run: (service, id, actor) => service.pauseJob(id, actor),
    done: 'Paused: nothing runs until you resume it.',
  },
  resume: {
    run: (service, id, actor) => service.resumeJob(id, actor),
    done: 'Resumed: the job runs from its next due time.',
  },
  run: {
    run: (service, id, actor) => service.runJobNow(id, actor),
    done: 'One extra run was added now; it shows under Executions once it starts.',
  },
  cancel: {
    run: (service, id, actor) => service.cancelJob(id, actor),
    done: 'Cancelled: the job will not run again. Its history stays here.',
  },
} satisfies Record<string, JobAction>

export type JobActionName = keyof typeof JOB_ACTIONS

export function isJobActionName(name: string): name is JobActionName {
  return Object.hasOwn(JOB_ACTIONS, name)
}

/** Changes made in the dashboard are recorded under the session's key name, through `ui`. */
export function uiActor(keyName: string): Actor {
  return { name: keyName, via: 'ui' }
}
