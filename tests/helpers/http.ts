/** Reads a response body as loosely typed JSON: tests assert on its shape field by field. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary response bodies
export type AnyJson = any

export async function readJson(res: Response | Promise<Response>): Promise<AnyJson> {
  return (await res).json()
}
