/**
 * The agent tools, in the order /openapi.json and tools/list show them. Adding a tool: one file
 * exporting its factory, one line here, one test file.
 */
import { cancelJobTool } from './cancel-job.ts'
import { checkWhatsAppNumberTool } from './check-whatsapp-number.ts'
import { getCurrentTimeTool } from './get-current-time.ts'
import { getExecutionTool } from './get-execution.ts'
import { getJobTool } from './get-job.ts'
import { listDifyAppsTool } from './list-dify-apps.ts'
import { listExecutionsTool } from './list-executions.ts'
import { listJobsTool } from './list-jobs.ts'
import { pauseJobTool } from './pause-job.ts'
import { previewScheduleTool } from './preview-schedule.ts'
import { resumeJobTool } from './resume-job.ts'
import { retryExecutionTool } from './retry-execution.ts'
import { runJobNowTool } from './run-job-now.ts'
import { scheduleTools } from './schedule-action.ts'
import { sendWhatsAppMessageTool } from './send-whatsapp-message.ts'
import type { ToolFactory } from './types.ts'
import { updateJobTool } from './update-job.ts'

export const TOOL_FACTORIES: readonly ToolFactory[] = [
  getCurrentTimeTool,
  scheduleTools,
  getExecutionTool,
  previewScheduleTool,
  listJobsTool,
  getJobTool,
  updateJobTool,
  pauseJobTool,
  resumeJobTool,
  cancelJobTool,
  runJobNowTool,
  listExecutionsTool,
  retryExecutionTool,
  listDifyAppsTool,
  sendWhatsAppMessageTool,
  checkWhatsAppNumberTool,
]
