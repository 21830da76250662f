/** Public surface of the Dify integration: config parsing, the client, the app catalog, the error. */
export {
  createDifyCatalog,
  DEFAULT_LOOKUP_TIMEOUT_MS,
  type DifyAppSummary,
  type DifyCatalog,
  type InputLookup,
} from './catalog.ts'
export { createDifyClient, type DifyClient, type DifyClientOptions } from './client.ts'
export {
  DIFY_MODES,
  type DifyApp,
  type DifyConfig,
  type DifyMode,
  normaliseDifyApiUrl,
  parseDifyApps,
} from './config.ts'
export { DifyError, type DifyErrorKind } from './errors.ts'
export { checkInputs, type InputIssue } from './inputs.ts'
export type {
  DifyAnswer,
  DifyAppInfo,
  DifyCallOptions,
  DifyChatInput,
  DifyInputVariable,
  DifyRunInput,
  DifyWorkflowRun,
} from './types.ts'
