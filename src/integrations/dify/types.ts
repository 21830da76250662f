/** What the Dify client sends and returns (camelCase; Dify's snake_case stays inside the client). */

export interface DifyCallOptions {
  /** The app's service API key (`Authorization: Bearer …`). */
  apiKey: string
  /** Deadline for the whole call, reading the answer included. */
  timeoutMs: number
  /** Caller cancellation (shutdown); ends the call with a DifyError of kind `aborted`. */
  signal?: AbortSignal
}

export interface DifyRunInput {
  inputs: Record<string, unknown>
  /** End-user identifier Dify scopes conversations and logs by. */
  user: string
}

export interface DifyChatInput extends DifyRunInput {
  query: string
  /** Continue this conversation; null starts a new one. */
  conversationId: string | null
}

export interface DifyWorkflowRun {
  workflowRunId: string | null
  taskId: string | null
  /** `succeeded`, `failed`, `stopped`, `partial-succeeded`, … as Dify reports it. */
  status: string
  outputs: Record<string, unknown> | null
  /** Dify's error text when the run failed. */
  error: string | null
  elapsedSeconds: number | null
}

export interface DifyAnswer {
  answer: string
  /** True when the answer was longer than the client keeps and was cut. */
  answerTruncated: boolean
  messageId: string | null
  /** Null for completion apps, which have no conversations. */
  conversationId: string | null
}

/** One input variable of an app's form (`user_input_form` of GET /v1/parameters). */
export interface DifyInputVariable {
  variable: string
  /** Dify's control type: text-input, paragraph, select, number, file, file-list, checkbox, … */
  type: string
  required: boolean
  label: string | null
  /** Allowed values of a `select`. */
  options?: string[]
}

export interface DifyAppInfo {
  name: string | null
  description: string | null
  /** Dify's app mode (workflow, advanced-chat, chat, agent-chat, completion) where Dify reports it. */
  mode: string | null
}
