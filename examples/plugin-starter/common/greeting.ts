/**
 * @module starter/common/greeting
 * What the starter plugin's server and web sides share: the route's path, the
 * zod schemas of its body and answer, and the rule that makes a greeting.
 * Declaring a shape once here means the server validates and the web app
 * parses the very same thing.
 */
import { z } from "zod";

/** The greeting route, below `/plugins/starter`. */
export const GREETINGS_PATH = "/api/v1/greetings";

/** Body of `POST /plugins/starter/api/v1/greetings`. */
export const greetingRequestSchema = z.object({ name: z.string().trim().min(1, "is required").max(64, "must be at most 64 characters") });

/** Its answer. */
export const greetingSchema = z.object({ greeting: z.string(), by: z.string() });

/** One greeting. */
export type Greeting = z.infer<typeof greetingSchema>;

/**
 * The greeting for a name.
 * @example greet("Ann") // "Hello, Ann!"
 */
export function greet(name: string): string {
  return `Hello, ${name}!`;
}
