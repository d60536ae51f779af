/**
 * @module incident/cli/webhook-commands
 * `sitrep webhook create|list|delete`: event subscriptions of a team, over
 * the HTTP API of a running server (`/plugins/incident/api/v1/webhooks`).
 * `create` prints the signing secret, which the server shows only then.
 */
import type { CliOutput, CliServerClient, PluginCli } from "#common/plugin-cli-api.ts";
import { z } from "zod";
import { createdWebhookAnswerSchema, webhookAnswerSchema, webhookListAnswerSchema, type Webhook } from "../common/webhook-types.ts";
import { INCIDENT_API_BASE } from "../common/types.ts";

const teamSchema = z.object({ id: z.string(), name: z.string() });

async function teamId(client: CliServerClient, name: string): Promise<string> {
  return teamSchema.parse(await client.request("GET", `/api/v4/teams/name/${encodeURIComponent(name)}`)).id;
}

/** One line per subscription: id, state, events, address. */
function describe(webhook: Webhook): string {
  const flags = [webhook.active ? "active" : "paused", ...(webhook.include_private ? ["include_private"] : [])];
  return `${webhook.id}  ${flags.join(",")}  ${webhook.events.join(",")}  ${webhook.url}`;
}

/**
 * Subscribe `url` to a team's events; prints the subscription and its secret.
 * @example await createWebhook({ client, team: "ops", url: "https://hooks.example.com/x", events: ["*"] }, out)
 */
export async function createWebhook(
  props: { client: CliServerClient; team: string; url: string; events: string[]; includePrivate: boolean },
  out: CliOutput,
): Promise<void> {
  const body = {
    team_id: await teamId(props.client, props.team),
    url: props.url,
    events: props.events,
    ...(props.includePrivate ? { include_private: true } : {}),
  };
  const created = createdWebhookAnswerSchema.parse(await props.client.request("POST", `${INCIDENT_API_BASE}/webhooks`, body));
  out.log(describe(created));
  out.log(`secret: ${created.secret}`);
  out.log("Keep the secret: receivers verify signatures with it, and it is not shown again.");
}

/** Print a team's subscriptions. */
export async function listWebhooks(props: { client: CliServerClient; team: string }, out: CliOutput): Promise<void> {
  const id = await teamId(props.client, props.team);
  const list = webhookListAnswerSchema.parse(await props.client.request("GET", `${INCIDENT_API_BASE}/webhooks?team_id=${id}`));
  if (list.items.length === 0) out.log(`team ${props.team} has no event subscriptions`);
  for (const webhook of list.items) out.log(describe(webhook));
}

/** Delete a subscription with its delivery log. */
export async function deleteWebhook(props: { client: CliServerClient; id: string }, out: CliOutput): Promise<void> {
  const deleted = webhookAnswerSchema.parse(
    await props.client.request("DELETE", `${INCIDENT_API_BASE}/webhooks/${encodeURIComponent(props.id)}`),
  );
  out.log(`deleted ${deleted.id} (${deleted.url})`);
}

/**
 * Add `webhook create|list|delete` to the program.
 * @example registerWebhookCommands(cli) // then: sitrep webhook list --team ops
 */
export function registerWebhookCommands(cli: PluginCli): void {
  const webhook = cli.program.command("webhook").description("Event subscriptions: signed webhooks of a team's incident events.");
  const tokenHelp = "an access token of a team admin or system admin (SITREP_TOKEN)";
  const create = webhook
    .command("create")
    .description("Subscribe an address to a team's incident events; prints the signing secret once.")
    .requiredOption("--team <name>", "the team's name")
    .requiredOption("--endpoint <url>", "where events are POSTed (http:// or https://); --url is the server's address")
    .option("--events <types>", 'comma-separated event types (e.g. incident.incident_started,incident.status_update), or "*"', "*")
    .option("--include-private", "also private incidents' events (system admins only)", false);
  const createClient = cli.serverOptions(create, { tokenHelp });
  create.action(async (opts: { team: string; endpoint: string; events: string; includePrivate: boolean; url?: string; token?: string }) => {
    const events = opts.events
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    await createWebhook(
      { client: createClient(opts), team: opts.team, url: opts.endpoint, events, includePrivate: opts.includePrivate },
      cli.out,
    );
  });
  const list = webhook.command("list").description("List a team's event subscriptions.").requiredOption("--team <name>", "the team's name");
  const listClient = cli.serverOptions(list, { tokenHelp });
  list.action(async (opts: { team: string; url?: string; token?: string }) =>
    listWebhooks({ client: listClient(opts), team: opts.team }, cli.out),
  );
  const remove = webhook
    .command("delete")
    .description("Delete an event subscription and its delivery log.")
    .argument("<id>", "the subscription's id");
  const removeClient = cli.serverOptions(remove, { tokenHelp });
  remove.action(async (id: string, opts: { url?: string; token?: string }) => deleteWebhook({ client: removeClient(opts), id }, cli.out));
}
