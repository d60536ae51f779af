/**
 * @module testing/expect-body
 * Response bodies are `unknown` until a test says what it expects: parse them
 * with the wire schema, so a drifting answer fails where it is read. The
 * {@link TestClient} methods take the same schema as their last argument.
 */
import * as z from "zod/mini";

/**
 * Assert a response body's shape with a zod schema (full or mini) and return it typed.
 * @example const post = expectBody(res, postSchema);
 */
export function expectBody<T>(res: { status: number; body: unknown }, schema: z.core.$ZodType<T>): T {
  const parsed = z.safeParse(schema, res.body);
  if (!parsed.success)
    throw new Error(`unexpected body (status ${res.status}): ${z.prettifyError(parsed.error)}\n${JSON.stringify(res.body)}`);
  return parsed.data;
}
