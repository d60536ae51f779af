/**
 * @module api/paging
 * The `page` / `per_page` query of every host list route, from `LIMITS`, so
 * each list refuses the same values with the same words.
 */
import { z } from "zod";
import { LIMITS } from "#common/limits.ts";

/** `?page=&per_page=`: page from 0, `LIMITS.perPageDefault` per page, at most `LIMITS.perPageMax`. */
export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(0, "must be 0 or more").default(0),
  per_page: z.coerce
    .number()
    .int()
    .min(1, "must be at least 1")
    .max(LIMITS.perPageMax, `must be at most ${LIMITS.perPageMax}`)
    .default(LIMITS.perPageDefault),
});
