/**
 * @module constants
 * The Incident plugin's names the web side uses at run time. They are
 * declared in `plugins/incident/common/types.ts`; importing that module's
 * values would pull full zod (its request schemas) into the browser bundle,
 * so they are restated here, typed as the originals: if one changes there,
 * this file stops compiling.
 */
import type {
  INCIDENT_API_BASE,
  INCIDENT_EVENTS,
  INCIDENT_LIMITS,
  INCIDENT_PLUGIN_ID,
  INCIDENT_REMOVED_EVENT,
  STATUS_UPDATE_POST_TYPE,
  TIMELINE_EVENTS as SERVER_TIMELINE_EVENTS,
  UPDATE_POST_TYPE,
} from "../common/types.ts";

export const PLUGIN_ID: typeof INCIDENT_PLUGIN_ID = "incident";
export const API_BASE: typeof INCIDENT_API_BASE = "/plugins/incident/api/v1";
export const UPDATE_POST: typeof UPDATE_POST_TYPE = "custom_incident_update";
export const EVENTS: typeof INCIDENT_EVENTS = { created: "incident_created", updated: "incident_updated", ended: "incident_ended" };
/** To a user who lost a private incident's channel: `{incident_id, channel_id}` (no incident). */
export const REMOVED_EVENT: typeof INCIDENT_REMOVED_EVENT = "incident_removed";
export const LIMITS: Pick<typeof INCIDENT_LIMITS, "nameMax" | "itemTitleMax"> = { nameMax: 128, itemTitleMax: 256 };
/** Timeline events: `{incident_id, entry}` and `{incident_id, entry_id}`. */
export const TIMELINE_EVENTS: typeof SERVER_TIMELINE_EVENTS = { added: "timeline_entry_added", removed: "timeline_entry_removed" };
export const STATUS_UPDATE_POST: typeof STATUS_UPDATE_POST_TYPE = "custom_incident_status_update";
export { TIMELINE_TYPES } from "../common/timeline-types.ts";
