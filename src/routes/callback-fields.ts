/**
 * The callback fields every scheduling tool takes (issue 20): flat optional scalars, as Dify's
 * importer needs them. The notify fields appear only for channels this server has configured.
 */
import { z } from '@hono/zod-openapi'
import type { NotifyChannel } from '../outcomes/callback-input.ts'

const optionalText = (description: string, max: number, example?: string) =>
  z
    .string()
    .max(max)
    .nullish()
    .openapi({ description, ...(example ? { example } : {}) })

/** The fragment to spread into a create body; `channels` = the notify channels available here. */
export function callbackFields(channels: readonly NotifyChannel[]) {
  const conversation = channels.includes('conversation')
  const whatsapp = channels.includes('whatsapp')
  const notifyTargets = [
    ...(conversation ? ['"conversation" posts it into a Dify chat'] : []),
    ...(whatsapp ? ['"whatsapp" sends it to notify_to'] : []),
  ]
  return {
    callback_url: optionalText(
      'Optional URL that receives each run’s outcome once the run is settled (after its last attempt): a signed JSON POST with status, response status, an excerpt, the error and a sentence to tell the user. Public http(s) only.',
      2048,
      'https://example.com/hooks/job-done',
    ),
    callback_on: optionalText(
      'When to send the outcome (to callback_url and notify). One of: success, failure, always. Default always.',
      20,
      'failure',
    ),
    callback_headers: optionalText(
      'Extra headers for the callback_url request as JSON object text, e.g. {"Authorization":"Bearer abc"}. Write-only: never shown again.',
      8000,
    ),
    ...(notifyTargets.length > 0
      ? {
          notify: optionalText(
            `Optional: also tell someone the outcome in words. ${notifyTargets.join('; ')}.`,
            20,
            channels[0],
          ),
        }
      : {}),
    ...(whatsapp
      ? {
          notify_to: optionalText(
            'With notify "whatsapp": the phone number with country code that gets the outcome, e.g. +55 11 99999-9999.',
            40,
          ),
        }
      : {}),
    ...(conversation
      ? {
          notify_conversation_id: optionalText(
            'With notify "conversation": the Dify conversation_id to post the outcome into (your own conversation, so you hear back). Default for scheduleDifyRun: its conversation_id.',
            100,
          ),
          notify_app: optionalText(
            'With notify "conversation": the Dify app (from listDifyApps) that conversation belongs to. Default for scheduleDifyRun: its app.',
            50,
          ),
          notify_user: optionalText(
            'With notify "conversation": the Dify user the conversation belongs to. Default: the job’s user, else the server’s.',
            200,
          ),
        }
      : {}),
  }
}
