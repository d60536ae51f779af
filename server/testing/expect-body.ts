/**
 * @module testing/expect-body
 * Response bodies are `unknown` until a test says what it expects: parse them
 * with the wire schema, so a drifting answer fails where it is read.
 */
import type { z } from "zod";

/** Assert a response body's shape with a zod schema and return it typed. */
/** @example const post = expectBody(res, postSchema); */
export function expectBody<T>(res: { status: number; body: unknown }, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(res.body);
  if (!parsed.success) throw new Error(`unexpected body (status ${res.status}): ${parsed.error.message}\n${JSON.stringify(res.body)}`);
  return parsed.data;
}
