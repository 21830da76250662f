/** The WhatsApp tools' documented gateway failure (424), shared by both of them. */
import { ProblemObject } from './http-schemas.ts'

export const gatewayProblem = {
  description:
    'The WhatsApp gateway failed or is not reachable; detail says whether to try again later',
  content: { 'application/problem+json': { schema: ProblemObject } },
}
