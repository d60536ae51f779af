/**
 * @module components/follow-ups
 * An incident's follow-up items on its page: add one, mark it done, remove it.
 */
import { useEffect, useState } from "react";
import type { WebHost } from "#common/web-plugin-api.ts";
import { API_BASE } from "../constants.ts";
import type { Incident } from "../incident-types.ts";
import { okSchema } from "../incident-types.ts";
import { followUpsAnswerSchema, followUpAnswerSchema, type FollowUp } from "../review-types.ts";

function Assignee({ host, userId }: { host: WebHost; userId: string }) {
  const user = host.useUser(userId);
  return userId ? <> — @{user?.username ?? "…"}</> : null;
}

export function FollowUps({ host, incident }: { host: WebHost; incident: Incident }) {
  const url = `${API_BASE}/incidents/${incident.id}/follow-ups`;
  const [items, setItems] = useState<FollowUp[]>([]);
  const [title, setTitle] = useState("");
  const [error, setError] = useState("");
  const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));

  useEffect(() => {
    void host
      .fetch(url, { schema: followUpsAnswerSchema })
      .then((list) => setItems(list.items))
      .catch(fail);
  }, [host, url]);

  const add = async () => {
    try {
      const item = await host.fetch(url, { method: "POST", body: { title }, schema: followUpAnswerSchema });
      setItems((list) => [...list, item]);
      setTitle("");
      setError("");
    } catch (e) {
      fail(e);
    }
  };
  const toggle = async (item: FollowUp) => {
    try {
      const changed = await host.fetch(`${url}/${item.id}`, { method: "PATCH", body: { done: !item.done }, schema: followUpAnswerSchema });
      setItems((list) => list.map((i) => (i.id === item.id ? changed : i)));
    } catch (e) {
      fail(e);
    }
  };
  const remove = async (item: FollowUp) => {
    try {
      await host.fetch(`${url}/${item.id}`, { method: "DELETE", schema: okSchema });
      setItems((list) => list.filter((i) => i.id !== item.id));
    } catch (e) {
      fail(e);
    }
  };

  return (
    <section aria-labelledby="incident-follow-ups-heading">
      <h2 id="incident-follow-ups-heading">Follow-ups</h2>
      <ul className="incident-follow-ups">
        {items.map((item) => (
          <li key={item.id}>
            <label>
              <input type="checkbox" checked={item.done} onChange={() => void toggle(item)} /> {item.title}
              <Assignee host={host} userId={item.assignee_user_id} />
            </label>{" "}
            <button type="button" className="incident-link-btn" onClick={() => void remove(item)} aria-label={`Remove ${item.title}`}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form
        className="incident-page-nav"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <input
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          aria-label="New follow-up"
          placeholder="Something to do after the incident"
        />
        <button type="submit" className="incident-btn" disabled={!title.trim()}>
          Add follow-up
        </button>
      </form>
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}
