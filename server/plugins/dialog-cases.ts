/**
 * @module plugins/dialog-cases
 * The dialog-submit cases that must hold however the submit travels: to the
 * process that opened the dialog, or through another process over the bus.
 * Test files call {@link describeDialogSubmit} with their own setup.
 */
import { expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { Host } from "../host.ts";
import type { TestClient } from "#testing";

type OnSubmit = (values: Record<string, string>) => void | { errors: Record<string, string> };

/** Open the test dialog (a required `name`, an optional `note`) for a user, as a plugin would. */
export function openTestDialog(
  host: Host,
  props: { userId: string; channelId: string; teamId: string },
  onSubmit: OnSubmit = () => {},
): string {
  return host.dialogs.open("test", {
    ...props,
    dialog: {
      title: "Start incident",
      elements: [
        { name: "name", display_name: "Name", type: "text" },
        { name: "note", display_name: "Note", type: "textarea", optional: true },
      ],
    },
    onSubmit: (submission) => onSubmit(submission.values),
  });
}

/** What the shared cases need from a test file, read when each case runs. */
export interface DialogSetup {
  /** Open a dialog for `owner`. */
  open(onSubmit?: OnSubmit): string;
  /** The user it is opened for, on the server that receives the submit. */
  owner: TestClient;
  /** Another user, on the same server. */
  other: TestClient;
  channelId: string;
  teamId: string;
}

/** The cases every way of submitting must pass. */
export function describeDialogSubmit(setup: () => DialogSetup): void {
  it("delivers the values of the user it was opened for, then refuses a second submit", async () => {
    const { open, owner, channelId, teamId } = setup();
    const received: Array<Record<string, string>> = [];
    const callbackId = open((values) => void received.push(values));
    const res = await owner.post("/api/v4/actions/dialogs/submit", {
      callback_id: callbackId,
      channel_id: channelId,
      team_id: teamId,
      submission: { name: "DB down", note: null },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(received).toEqual([{ name: "DB down", note: "" }]);
    const again = await owner.post(
      "/api/v4/actions/dialogs/submit",
      { callback_id: callbackId, submission: { name: "DB down" } },
      apiErrorBodySchema,
    );
    expect(again.status).toBe(404);
    expect(again.body.message).toBe("callback_id: this dialog has expired or was already submitted");
  });

  it("refuses another user with 403", async () => {
    const { open, other } = setup();
    const callbackId = open(() => {
      throw new Error("must not be called");
    });
    const res = await other.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { name: "mine now" } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      id: "api.context.permissions",
      message: "This dialog was opened for another user.",
      status_code: 403,
    });
  });

  it("returns errors for a missing required field, and the plugin's own errors, keeping the dialog open", async () => {
    const { open, owner } = setup();
    const callbackId = open((values) =>
      values.name === "taken" ? { errors: { name: "An incident with this name is running." } } : undefined,
    );
    const missing = await owner.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { note: "x" } });
    expect(missing.status).toBe(200);
    expect(missing.body).toEqual({ errors: { name: "Name is required." } });
    const refused = await owner.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { name: "taken" } });
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ errors: { name: "An incident with this name is running." } });
    const ok = await owner.post("/api/v4/actions/dialogs/submit", { callback_id: callbackId, submission: { name: "fresh" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({});
  });
}
