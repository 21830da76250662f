/** The problem+json responses routes declare in the OpenAPI documents (the body: problem-response.ts). */
import { z } from '@hono/zod-openapi'

/** A problem+json body (see README → errors). */
export const ProblemObject = z.record(z.string(), z.unknown()).openapi('Problem', {
  description:
    'RFC 9457 problem: type, title, status, detail, errors [{field, message, hint}], now.',
})

export const problemResponses = {
  401: {
    description: 'Missing or invalid API key',
    content: { 'application/problem+json': { schema: ProblemObject } },
  },
  404: {
    description: 'No such job',
    content: { 'application/problem+json': { schema: ProblemObject } },
  },
  409: {
    description: 'Not possible in the job’s current state',
    content: { 'application/problem+json': { schema: ProblemObject } },
  },
  422: {
    description: 'Invalid input; errors name each field with a hint',
    content: { 'application/problem+json': { schema: ProblemObject } },
  },
} as const
