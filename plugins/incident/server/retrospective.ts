/**
 * @module incident/server/retrospective
 * An incident's retrospective and follow-ups (DESIGN.md section 10). The text
 * starts as the playbook's `retrospective.template` (or a plain outline)
 * rendered with the incident's template values, stored when the incident
 * starts so later playbook edits leave it be. Saves are compare-and-set on
 * the version: a save over a stale `base_version` answers 409 with the
 * current text, so two people editing at once never overwrite each other
 * unseen. Publishing posts it in the incident channel and the playbook's
 * broadcast channels and records `retrospective_published` on the timeline.
 * Reading follows the incident; writing needs what changing it needs, and
 * goes on after the end.
 */
import { newId } from "#common/ids.ts";
import { LIMITS } from "#common/limits.ts";
import { conflict, invalid, notFound } from "#common/plugin-errors.ts";
import type {
  CreateFollowUpRequest,
  FollowUp,
  PatchFollowUpRequest,
  Retrospective,
  SaveRetrospectiveRequest,
} from "../common/review-types.ts";
import { REVIEW_LIMITS } from "../common/review-types.ts";
import type { BroadcastOutcome } from "../common/types.ts";
import { renderTemplate } from "../common/templates.ts";
import { templateValuesOf } from "./template-values.ts";
import { mention, postAsBot } from "./announcer.ts";
import { broadcastPost } from "./commands/status-update-poster.ts";
import type { IncidentDeps } from "./incident-deps.ts";
import { changeableIncident, visibleIncident } from "./policies.ts";
import type { ReviewStore } from "./review-store.ts";
import type { IncidentRecord } from "./store.ts";
import { recordTimelineEntry } from "./timeline.ts";

/** The outline of a retrospective when the playbook has no template. */
export const DEFAULT_RETROSPECTIVE_TEMPLATE = `# Retrospective: {{name}}

## Summary

## What went well

## What went wrong

## What we learned
`;

/** The review commands' dependencies: the incident deps and the review queries. */
export interface ReviewDeps extends IncidentDeps {
  readonly review: ReviewStore;
}

/** The incident's first retrospective text: its playbook's template (as it is now), rendered. */
export async function renderedTemplate(deps: IncidentDeps, incident: IncidentRecord): Promise<string> {
  const playbook = incident.playbook_id ? await deps.store.getPlaybook(incident.playbook_id) : null;
  const template = playbook?.spec.retrospective?.template ?? DEFAULT_RETROSPECTIVE_TEMPLATE;
  return renderTemplate(template, await templateValuesOf(deps, incident)).slice(0, REVIEW_LIMITS.retrospectiveMax);
}

/** The unsaved retrospective (version 0) of an incident. */
function unsaved(incidentId: string, text: string): Retrospective {
  return { incident_id: incidentId, text, version: 0, update_at: 0, updated_by: "", published_at: 0 };
}

/** Store the rendered template when an incident starts, so the text is the playbook's as at the start. */
export function seedRetrospectives(deps: ReviewDeps): void {
  deps.changes.onDidChangeIncident(async ({ incident, action }) => {
    if (action !== "started") return;
    await deps.review.createRetrospective(unsaved(incident.id, await renderedTemplate(deps, incident)));
  });
}

/** The retrospective of an incident the user may see (its rendered template, version 0, before anything was stored). */
export async function retrospectiveReader(deps: ReviewDeps, props: { userId: string; incidentId: string }): Promise<Retrospective> {
  const incident = await visibleIncident(deps, props);
  return (await deps.review.getRetrospective(incident.id)) ?? unsaved(incident.id, await renderedTemplate(deps, incident));
}

/** Save a new text over `base_version`; 409 with the current text and version when someone saved since. */
export async function retrospectiveSaver(
  deps: ReviewDeps,
  props: { userId: string; incidentId: string; body: SaveRetrospectiveRequest },
): Promise<Retrospective> {
  const incident = await changeableIncident(deps, { ...props, allowEnded: true });
  // Incidents started before retrospectives existed have no row yet: their template becomes version 0.
  await deps.review.createRetrospective(unsaved(incident.id, await renderedTemplate(deps, incident)));
  const saved = await deps.review.saveRetrospective({
    incidentId: incident.id,
    baseVersion: props.body.base_version,
    text: props.body.text,
    by: props.userId,
    at: deps.ctx.clock.now(),
  });
  const current = await deps.review.getRetrospective(incident.id);
  if (!current) throw notFound("incident.not_found", `incident: no incident with id ${incident.id}`);
  if (!saved)
    throw conflict(
      "incident.retrospective.conflict",
      `base_version: the retrospective is at version ${current.version}, not ${props.body.base_version}: someone saved it meanwhile; merge your text into theirs and save over version ${current.version}`,
      { text: current.text, version: current.version, updated_by: current.updated_by, update_at: current.update_at },
    );
  return current;
}

/** What publishing did: the post in the incident channel and each broadcast channel's outcome. */
export interface Published {
  post_id: string;
  broadcast: BroadcastOutcome[];
  retrospective: Retrospective;
}

/** Post the retrospective in the incident channel and the broadcast channels; on the timeline as `retrospective_published`. */
export async function retrospectivePublisher(deps: ReviewDeps, props: { userId: string; incidentId: string }): Promise<Published> {
  const incident = await changeableIncident(deps, { ...props, allowEnded: true });
  const retro = await retrospectiveReader(deps, props);
  if (!retro.text.trim()) throw invalid("incident.retrospective.empty", "text: the retrospective is empty; write it before publishing");
  const who = await mention(deps, props.userId);
  const text = `**Retrospective** · ${incident.name} · published by ${who}\n\n${retro.text}`.slice(0, LIMITS.postMessageMax);
  const postProps = { incident_id: incident.id, retrospective_version: retro.version };
  const postId = await postAsBot(deps, { channelId: incident.channel_id, userId: deps.bot.id, message: text, props: postProps });
  const broadcast = await broadcastPost(deps, { incident, text, type: "", props: { ...postProps, broadcast: true } });
  const now = deps.ctx.clock.now();
  await deps.review.createRetrospective(retro);
  await deps.review.markPublished({ incidentId: incident.id, at: now });
  await recordTimelineEntry(deps, {
    incident,
    type: "retrospective_published",
    actorId: props.userId,
    summary: `${who} published the retrospective`,
    postId,
    details: { version: retro.version },
    at: now,
  });
  return { post_id: postId, broadcast, retrospective: { ...retro, published_at: now } };
}

// ---- follow-ups -------------------------------------------------------------

/** An incident's follow-ups, oldest first, if the user may see it. */
export async function followUpLister(deps: ReviewDeps, props: { userId: string; incidentId: string }): Promise<FollowUp[]> {
  const incident = await visibleIncident(deps, props);
  return deps.review.listFollowUps(incident.id);
}

/** The assignee, if "" or a user; else 400 naming the field. */
async function checkAssignee(deps: IncidentDeps, assigneeUserId: string | undefined): Promise<void> {
  if (!assigneeUserId) return;
  if (!(await deps.ctx.users.get(assigneeUserId)))
    throw invalid("incident.follow_up.invalid", `assignee_user_id: no user with id ${assigneeUserId}`);
}

/** Add a follow-up. */
export async function followUpCreator(
  deps: ReviewDeps,
  props: { userId: string; incidentId: string; body: CreateFollowUpRequest },
): Promise<FollowUp> {
  const incident = await changeableIncident(deps, { ...props, allowEnded: true });
  await checkAssignee(deps, props.body.assignee_user_id);
  if ((await deps.review.countFollowUps(incident.id)) >= REVIEW_LIMITS.followUpsMax)
    throw conflict("incident.follow_up.too_many", `follow-ups: an incident has at most ${REVIEW_LIMITS.followUpsMax}; remove one first`);
  const now = deps.ctx.clock.now();
  const item: FollowUp = {
    id: newId(),
    incident_id: incident.id,
    title: props.body.title,
    assignee_user_id: props.body.assignee_user_id ?? "",
    done: props.body.done ?? false,
    create_at: now,
    update_at: now,
  };
  await deps.review.insertFollowUp(item);
  return item;
}

/** The follow-up of a changeable incident; 404 when there is none of that id. */
async function changeableFollowUp(deps: ReviewDeps, props: { userId: string; incidentId: string; followUpId: string }): Promise<FollowUp> {
  const incident = await changeableIncident(deps, { ...props, allowEnded: true });
  const item = await deps.review.getFollowUp({ incidentId: incident.id, id: props.followUpId });
  if (!item) throw notFound("incident.follow_up.not_found", `follow_up_id: no follow-up ${props.followUpId} in this incident`);
  return item;
}

/** Change a follow-up's title, assignee or done. */
export async function followUpPatcher(
  deps: ReviewDeps,
  props: { userId: string; incidentId: string; followUpId: string; body: PatchFollowUpRequest },
): Promise<FollowUp> {
  const item = await changeableFollowUp(deps, props);
  await checkAssignee(deps, props.body.assignee_user_id);
  const changed: FollowUp = {
    ...item,
    title: props.body.title ?? item.title,
    assignee_user_id: props.body.assignee_user_id ?? item.assignee_user_id,
    done: props.body.done ?? item.done,
    update_at: deps.ctx.clock.now(),
  };
  await deps.review.updateFollowUp(changed);
  return changed;
}

/** Remove a follow-up. */
export async function followUpRemover(deps: ReviewDeps, props: { userId: string; incidentId: string; followUpId: string }): Promise<void> {
  const item = await changeableFollowUp(deps, props);
  await deps.review.deleteFollowUp(item.id);
}
