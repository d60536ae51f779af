/**
 * @module incident/cli/alert-source-commands
 * `sitrep alert-source create|list|delete` over the HTTP API of a running
 * server, as a team admin or a system admin: create prints the source's URL
 * (with its token) this once — paste it into Alertmanager's
 * `webhook_configs` or a Grafana webhook contact point.
 */
import { z } from "zod";
import { CliFailure, type CliOutput, type CliServerClient, type PluginCli } from "#common/plugin-cli-api.ts";
import { ALERT_SOURCE_KINDS, alertSourceCreatedSchema, alertSourceListSchema, type AlertSourceKind } from "../common/alert-types.ts";

const BASE = "/plugins/incident/api/v1/alert-sources";
const teamSchema = z.object({ id: z.string(), name: z.string() });
const userSchema = z.object({ id: z.string() });

async function teamId(client: CliServerClient, name: string): Promise<string> {
  return teamSchema.parse(await client.request("GET", `/api/v4/teams/name/${encodeURIComponent(name)}`)).id;
}

async function userIds(client: CliServerClient, usernames: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const username of usernames)
    ids.push(userSchema.parse(await client.request("GET", `/api/v4/users/username/${encodeURIComponent(username.replace(/^@/, ""))}`)).id);
  return ids;
}

/** The options of `alert-source create`. */
export interface CreateAlertSourceOptions {
  team: string;
  name: string;
  kind: AlertSourceKind;
  playbook?: string;
  severityLabel?: string;
  commander?: string;
  invite?: string[];
  endOnResolve?: boolean;
}

/**
 * Create an alert source and print its URL.
 * @example await createAlertSourceCommand({ team: "ops", name: "Prometheus", kind: "alertmanager" }, client, out)
 */
export async function createAlertSourceCommand(options: CreateAlertSourceOptions, client: CliServerClient, out: CliOutput): Promise<void> {
  const team = await teamId(client, options.team);
  const playbookId = options.playbook
    ? z
        .object({ items: z.array(z.object({ id: z.string(), name: z.string() })) })
        .parse(await client.request("GET", `/plugins/incident/api/v1/playbooks?team_id=${team}`))
        .items.find((p) => p.name.toLowerCase() === options.playbook?.toLowerCase())?.id
    : undefined;
  if (options.playbook && !playbookId) throw new CliFailure(`--playbook: no playbook named "${options.playbook}" in team ${options.team}`);
  const [commander] = options.commander ? await userIds(client, [options.commander]) : [];
  const created = alertSourceCreatedSchema.parse(
    await client.request("POST", BASE, {
      team_id: team,
      name: options.name,
      kind: options.kind,
      ...(playbookId ? { playbook_id: playbookId } : {}),
      ...(options.severityLabel ? { severity_label: options.severityLabel } : {}),
      ...(commander ? { commander_user_id: commander } : {}),
      ...(options.invite?.length ? { invite: await userIds(client, options.invite) } : {}),
      ...(options.endOnResolve ? { end_on_resolve: true } : {}),
    }),
  );
  out.log(`created alert source "${created.name}" (${created.kind}), id ${created.id}`);
  out.log(`url: ${created.url}`);
  out.log("The URL is shown this once: it holds the source's token. Rotate it with PATCH .../alert-sources/<id> {rotate_token: true}.");
}

/** Print a team's alert sources, one a line: id, kind, name. */
export async function listAlertSourcesCommand(options: { team: string }, client: CliServerClient, out: CliOutput): Promise<void> {
  const team = await teamId(client, options.team);
  const { items } = alertSourceListSchema.parse(await client.request("GET", `${BASE}?team_id=${team}`));
  if (!items.length) out.log(`team ${options.team} has no alert sources`);
  for (const source of items)
    out.log(
      `${source.id}  ${source.kind.padEnd(12)} ${source.name}${source.last_received_at ? `  (last notification ${new Date(source.last_received_at).toISOString()})` : ""}`,
    );
}

/** Add `alert-source create|list|delete` to the program. */
export function registerAlertSourceCommands(cli: PluginCli): void {
  const command = cli.program
    .command("alert-source")
    .description("Alert sources: URLs Alertmanager or Grafana post alerts to, each group one incident.");
  const create = command
    .command("create")
    .description("Create an alert source in a team and print its URL (shown this once).")
    .requiredOption("--team <name>", "the team's name")
    .requiredOption("--name <name>", "the source's name, unique in the team")
    .option("--kind <kind>", `what sends to it: ${ALERT_SOURCE_KINDS.join(" or ")}`, "alertmanager")
    .option("--playbook <name>", "the playbook its incidents start from")
    .option("--severity-label <label>", "the alert label that names the severity, e.g. severity")
    .option("--commander <username>", "the commander of its incidents (default: you)")
    .option("--invite <usernames...>", "people added to each of its incidents")
    .option("--end-on-resolve", "end the incident when its alert group resolves");
  const createClient = cli.serverOptions(create, { tokenHelp: "an access token of a team admin or system admin (SITREP_TOKEN)" });
  create.action(async (opts: CreateAlertSourceOptions & { url?: string; token?: string }) => {
    const kind = z.enum(ALERT_SOURCE_KINDS).safeParse(opts.kind);
    if (!kind.success) throw new CliFailure(`--kind: must be one of ${ALERT_SOURCE_KINDS.join(", ")}`);
    await createAlertSourceCommand({ ...opts, kind: kind.data }, createClient(opts), cli.out);
  });
  const list = command.command("list").description("List a team's alert sources.").requiredOption("--team <name>", "the team's name");
  const listClient = cli.serverOptions(list);
  list.action(async (opts: { team: string; url?: string; token?: string }) => listAlertSourcesCommand(opts, listClient(opts), cli.out));
  const remove = command
    .command("delete")
    .description("Delete an alert source: its URL stops working.")
    .argument("<id>", "the source's id");
  const removeClient = cli.serverOptions(remove);
  remove.action(async (id: string, opts: { url?: string; token?: string }) => {
    await removeClient(opts).request("DELETE", `${BASE}/${encodeURIComponent(id)}`);
    cli.out.log(`deleted alert source ${id}`);
  });
}
