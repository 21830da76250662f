/**
 * The callback fields every scheduling tool takes (issue 20): where and when a run's outcome goes
 * once the run settles. Flat optional scalars for Dify's importer (headers as JSON text), typed values
 * over MCP. The notify fields appear only for channels this server has configured.
 */
import { z } from '@hono/zod-openapi'
import type { NotifyChannel } from '../outcomes/callback-input.ts'
import { optionalText, structured, type ToolFields } from './field-spec.ts'

/** The fields to spread into a create input; `channels` = the notify channels available here. */
export function callbackFields(channels: readonly NotifyChannel[]): ToolFields {
  const conversation = channels.includes('conversation')
  const whatsapp = channels.includes('whatsapp')
  const notifyTargets = [
    ...(conversation ? ['"conversation" posts it into a Dify chat'] : []),
    ...(whatsapp ? ['"whatsapp" sends it to notify_to'] : []),
  ]
  return {
    callback_url: optionalText({
      description:
        'Optional URL that receives each run’s outcome once the run is settled (after its last attempt): a signed JSON POST with status, response status, an excerpt, the error and a sentence to tell the user. Public http(s) only.',
      example: 'https://example.com/hooks/job-done',
      max: 2048,
    }),
    callback_on: optionalText({
      description:
        'When to send the outcome (to callback_url and notify). One of: success, failure, always. Default always.',
      example: 'failure',
      max: 20,
    }),
    callback_headers: structured(
      {
        description:
          'Extra headers for the callback_url request as JSON object text, e.g. {"Authorization":"Bearer abc"}. Write-only: never shown again.',
        max: 8000,
      },
      {
        description:
          'Extra headers for the callback_url request, name to value, e.g. {"Authorization":"Bearer abc"}. Write-only: never shown again.',
        example: { Authorization: 'Bearer abc' },
        schema: z.record(z.string(), z.string()),
      },
    ),
    ...(notifyTargets.length > 0
      ? {
          notify: optionalText({
            description: `Optional: also tell someone the outcome in words. ${notifyTargets.join('; ')}.`,
            example: channels[0],
            max: 20,
          }),
        }
      : {}),
    ...(whatsapp
      ? {
          notify_to: optionalText({
            description:
              'With notify "whatsapp": the phone number with country code that gets the outcome, e.g. +55 11 99999-9999.',
            max: 40,
          }),
        }
      : {}),
    ...(conversation
      ? {
          notify_conversation_id: optionalText({
            description:
              'With notify "conversation": the Dify conversation_id to post the outcome into (your own conversation, so you hear back). Default for scheduleDifyRun: its conversation_id.',
            max: 100,
          }),
          notify_app: optionalText({
            description:
              'With notify "conversation": the Dify app (from listDifyApps) that conversation belongs to. Default for scheduleDifyRun: its app.',
            max: 50,
          }),
          notify_user: optionalText({
            description:
              'With notify "conversation": the Dify user the conversation belongs to. Default: the job’s user, else the server’s.',
            max: 200,
          }),
        }
      : {}),
  }
}
