/**
 * @module review-types
 * The review routes' answers as the web side reads them: the schemas the
 * server declares (common/review-answers.ts, `zod/mini`), and the parsers of
 * the answers only the web side reads (a page of incidents with the web's
 * incident parser, a conflict's details, the published post, the export).
 */
import * as z from "zod/mini";
import { incidentSchema } from "./incident-types.ts";

export type { FollowUp, IncidentStats, ResponseReport, Retrospective } from "../common/review-types.ts";
export {
  followUpAnswerSchema,
  followUpsAnswerSchema,
  responseReportAnswerSchema,
  retrospectiveAnswerSchema,
  statsAnswerSchema,
} from "../common/review-answers.ts";

export const incidentPageSchema = z.object({ items: z.array(incidentSchema), total_count: z.number() });

/** The `details` of a 409 on save: the text someone else saved. */
export const retrospectiveConflictSchema = z.object({ text: z.string(), version: z.number() });

export const publishedSchema = z.looseObject({ post_id: z.string() });

/** The export's JSON, read only for its download. */
export const exportSchema = z.looseObject({ incident: incidentSchema });
