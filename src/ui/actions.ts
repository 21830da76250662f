/**
 * The dashboard's actions on jobs: calls of the agent tools' own handlers (pauseJob, resumeJob,
 * runJobNow, cancelJob, updateJob, previewSchedule), with their input checks, so a change means the
 * same whether an agent or a person makes it. Recorded under the session's key name, via `ui`.
 */
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import type { Actor } from '../scheduler/service/index.ts'
import { callTool, type ToolRegistry } from '../tools/index.ts'
import { observeToolCall } from '../tools/observe.ts'

export interface JobAction {
  /** The tool that does it. */
  tool: string
  /** What the page says afterwards. */
  done: string
}

export const JOB_ACTIONS = {
  pause: { tool: 'pauseJob', done: 'Paused: nothing runs until you resume it.' },
  resume: { tool: 'resumeJob', done: 'Resumed: the job runs from its next due time.' },
  run: {
    tool: 'runJobNow',
    done: 'One extra run was added now; it shows under Executions once it starts.',
  },
  cancel: {
    tool: 'cancelJob',
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

export interface UiToolCaller {
  tools: ToolRegistry
  metrics: Metrics
}

/** Runs tool `name` with `args` as the dashboard's user; throws its ProblemError on bad input. */
export function runUiTool(
  ui: UiToolCaller,
  name: string,
  args: Record<string, unknown>,
  who: { keyName: string; log: Logger },
): Promise<Record<string, unknown>> {
  const tool = ui.tools.require(name)
  return observeToolCall(ui.metrics, { tool: name, face: 'ui' }, () =>
    callTool(tool, args, { actor: uiActor(who.keyName), log: who.log }),
  )
}
