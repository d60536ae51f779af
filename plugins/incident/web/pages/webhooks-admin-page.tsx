/**
 * @module incident/web/pages/webhooks-admin-page
 * The System Console's "Event subscriptions" page: every team's
 * subscriptions (address, events, active, include_private), and for the one
 * chosen its delivery log — event type, status, response code, attempts,
 * next attempt and last error, each delivery's attempts on demand.
 * Subscriptions are made with the API or `sitrep webhook create`.
 */
import { useCallback, useEffect, useState } from "react";
import type { PluginComponentProps } from "#common/web-plugin-api.ts";
import { INCIDENT_API_BASE } from "../../common/types.ts";
import { deliveryPageSchema, webhookListSchema, type Delivery, type Webhook } from "../webhook-types.ts";

const time = (ms: number) => (ms ? new Date(ms).toLocaleString() : "—");

function DeliveryLog({ host, webhook }: PluginComponentProps & { webhook: Webhook }) {
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const page = await host.fetch(`${INCIDENT_API_BASE}/webhooks/${webhook.id}/deliveries?per_page=50`, { schema: deliveryPageSchema });
      setDeliveries(page.items);
      setTotal(page.total_count);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [host, webhook.id]);
  useEffect(() => void load(), [load]);
  if (error)
    return (
      <p role="alert" className="incident-alert">
        {error}
      </p>
    );
  if (!deliveries) return <p>Loading deliveries…</p>;
  return (
    <section aria-label={`Deliveries to ${webhook.url}`}>
      <h2>
        Deliveries to <code>{webhook.url}</code>
      </h2>
      <p>
        {total} deliver{total === 1 ? "y" : "ies"}, newest first.{" "}
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </p>
      {deliveries.length === 0 ? (
        <p>No events were sent to this subscription yet.</p>
      ) : (
        <table aria-label="Delivery log">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Response</th>
              <th scope="col">Attempts</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Last error</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} data-delivery-id={d.id}>
                <td>
                  <code>{d.event_type}</code>
                </td>
                <td>{d.status}</td>
                <td>{d.response_status || "—"}</td>
                <td>
                  <details>
                    <summary>{d.attempts}</summary>
                    <ol>
                      {d.attempt_log.map((a) => (
                        <li key={a.number}>
                          {time(a.at)}: {a.response_status || "no answer"}
                          {a.error ? ` (${a.error})` : ""}
                        </li>
                      ))}
                    </ol>
                  </details>
                </td>
                <td>{time(d.next_attempt_at)}</td>
                <td>{d.last_error || "—"}</td>
                <td>{time(d.create_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function WebhooksAdminPage(props: PluginComponentProps) {
  const { host } = props;
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    host
      .fetch(`${INCIDENT_API_BASE}/webhooks`, { schema: webhookListSchema })
      .then((list) => setWebhooks(list.items))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [host]);
  if (error)
    return (
      <p role="alert" className="incident-alert">
        {error}
      </p>
    );
  if (!webhooks) return <p>Loading subscriptions…</p>;
  const chosen = webhooks.find((w) => w.id === selected);
  return (
    <>
      <p>
        Signed webhooks of incident events (Standard Webhooks). Create them with the API or{" "}
        <code>sitrep webhook create --team name --endpoint url</code>.
      </p>
      {webhooks.length === 0 ? (
        <p>No event subscriptions yet.</p>
      ) : (
        <table aria-label="Event subscriptions">
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Events</th>
              <th scope="col">State</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.map((w) => (
              <tr key={w.id} data-webhook-id={w.id}>
                <td>
                  <button type="button" aria-pressed={selected === w.id} onClick={() => setSelected(selected === w.id ? null : w.id)}>
                    {w.url}
                  </button>
                </td>
                <td>{w.events.join(", ")}</td>
                <td>
                  {w.active ? "active" : "paused"}
                  {w.include_private ? ", includes private incidents" : ""}
                </td>
                <td>{time(w.create_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {chosen && <DeliveryLog {...props} webhook={chosen} />}
    </>
  );
}
