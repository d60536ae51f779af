/**
 * The example plugin's server side: touches every member of the plugin API so
 * the runtime's tests can check each one, and the lifecycle around them.
 * Message words drive the hooks: `hook:throw`, `hook:hang`, `posted:throw`,
 * `posted:hang`, `forbidden-word`, and `shout:` (with the `shout` setting).
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { PluginError, type PluginContext } from "#plugin-api";

interface Tables {
  example_notes: { id: string; text: string; author_id: string; create_at: number };
  example_tags: { note_id: string; tag: string };
}

// Module state outlives one activation: a re-enabled plugin of the same
// checksum is the same ES module instance.
let ctx: PluginContext | null = null;
let activations = 0;
let trackedDisposals = 0;

const noteInput = z.object({ text: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"), tags: z.array(z.string()).default([]) });

function api(): PluginContext {
  if (!ctx) throw new Error("example plugin is not active");
  return ctx;
}

function db(): Kysely<Tables> {
  return api().storage.db<Tables>();
}

function newNoteId(): string {
  return `n${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

async function addNote(text: string, authorId: string, tags: string[] = []) {
  const note = { id: newNoteId(), text, author_id: authorId, create_at: Date.now() };
  await db().insertInto("example_notes").values(note).execute();
  for (const tag of tags) await db().insertInto("example_tags").values({ note_id: note.id, tag }).execute();
  const count = (await api().kv.get<number>("notes:count")) ?? 0;
  await api().kv.set("notes:count", count + 1);
  return note;
}

export async function activate(context: PluginContext): Promise<void> {
  ctx = context;
  activations += 1;
  const c = context;
  const bot = await c.bot.ensure({ username: "example-bot", displayName: "Example Bot", description: "Answers for the example plugin." });

  await c.storage.migrate({
    "0001_notes": {
      async up(db, dialect) {
        await db.schema
          .createTable("example_notes")
          .addColumn("id", "text", (col) => col.primaryKey())
          .addColumn("text", "text", (col) => col.notNull())
          .addColumn("author_id", "text", (col) => col.notNull())
          .addColumn("create_at", dialect === "postgres" ? "bigint" : "integer", (col) => col.notNull())
          .execute();
      },
    },
    "0002_tags": {
      async up(db) {
        await db.schema.createTable("example_tags").addColumn("note_id", "text", (col) => col.notNull()).addColumn("tag", "text", (col) => col.notNull()).execute();
      },
    },
  });

  c.track({ dispose: () => void (trackedDisposals += 1) });

  c.commands.register({
    trigger: "example",
    description: "Try the example plugin",
    hint: "[note|dialog|channel|post|ephemeral|fail]",
    subcommands: [
      { name: "note", hint: "<text>", description: "Store a note" },
      { name: "dialog", description: "Open a dialog" },
      { name: "channel", hint: "<name>", description: "Create a channel with the bot" },
      { name: "post", hint: "<text>", description: "Post as the bot" },
      { name: "ephemeral", description: "Answer only you" },
      { name: "fail", description: "Fail with a plugin error" },
    ],
    async execute(args) {
      const [sub = "", ...rest] = args.args;
      switch (sub) {
        case "note": {
          const note = await addNote(rest.join(" "), args.userId);
          return { text: `noted ${note.id}` };
        }
        case "dialog":
          c.dialogs.open({
            userId: args.userId,
            channelId: args.channelId,
            teamId: args.teamId,
            dialog: { title: "Example", submit_label: "Save", elements: [{ name: "summary", display_name: "Summary", type: "text" }] },
            async onSubmit(submission) {
              if (submission.values.summary === "bad") return { errors: { summary: "Summary must not be bad." } };
              await c.kv.set("dialog:last", { summary: submission.values.summary, user_id: submission.userId });
            },
          });
          return {};
        case "channel": {
          const channel = await c.channels.create({ teamId: args.teamId, name: rest[0] ?? "", displayName: rest[0] ?? "", type: "O", creatorId: bot.id, purpose: "made by the example plugin" });
          await c.channels.addMember({ channelId: channel.id, userId: args.userId, actorId: bot.id });
          const team = await c.teams.get(args.teamId);
          return { text: `created ~${channel.name}`, goto_location: `/${team?.name}/channels/${channel.name}` };
        }
        case "post": {
          const post = await c.posts.create({ channelId: args.channelId, userId: bot.id, message: rest.join(" ") || "from the bot", type: "custom_example", props: { source: "example" } });
          return { text: `posted ${post.id}` };
        }
        case "ephemeral":
          c.posts.sendEphemeral({ userId: args.userId, channelId: args.channelId, message: "only you can see this" });
          return {};
        case "fail":
          throw new PluginError({ status: 400, id: "example.command.fail", message: "The example command failed on purpose." });
        default: {
          const user = await c.users.get(args.userId);
          return { response_type: "ephemeral", text: `${String(c.settings.get().greeting)}, ${user?.username}` };
        }
      }
    },
  });

  c.hooks.messageWillBePosted((post) => {
    if (post.message.includes("hook:throw")) throw new Error("messageWillBePosted throws on purpose");
    if (post.message.includes("hook:hang")) return new Promise(() => {});
    if (post.message.includes("forbidden-word")) return { error: { message: "The example plugin does not allow forbidden-word." } };
    if (c.settings.get().shout === true && post.message.startsWith("shout:")) return { post: { ...post, message: post.message.toUpperCase() } };
    return undefined;
  });

  c.hooks.onMessagePosted(async (post) => {
    if (post.message.includes("posted:throw")) throw new Error("onMessagePosted throws on purpose");
    if (post.message.includes("posted:hang")) return new Promise<void>(() => {});
    if (post.user_id === bot.id) return;
    await c.kv.set("posted:last", post.id);
  });

  c.hooks.onChannelMemberAdded(async (event) => {
    await c.kv.set(`member:${event.channelId}:${event.userId}`, true);
  });

  c.http.route({
    method: "GET",
    path: "/api/v1/notes",
    async handler() {
      const notes = await db().selectFrom("example_notes").selectAll().orderBy("create_at").orderBy("id").execute();
      const tags = await db().selectFrom("example_tags").selectAll().execute();
      return { items: notes.map((n) => ({ ...n, tags: tags.filter((t) => t.note_id === n.id).map((t) => t.tag) })), count: (await c.kv.get<number>("notes:count")) ?? 0 };
    },
  });

  c.http.route({
    method: "POST",
    path: "/api/v1/notes",
    async handler(req) {
      const parsed = noteInput.safeParse(req.body ?? {});
      if (!parsed.success) {
        const message = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
        throw new PluginError({ status: 400, id: "example.note.invalid", message, details: parsed.error.issues.map((i) => ({ field: i.path.join("."), reason: i.message })) });
      }
      return { status: 201, body: await addNote(parsed.data.text, req.user!.id, parsed.data.tags) };
    },
  });

  c.http.route({
    method: "GET",
    path: "/api/v1/notes/:id",
    async handler(req) {
      const note = await db().selectFrom("example_notes").selectAll().where("id", "=", req.params.id!).executeTakeFirst();
      if (!note) throw new PluginError({ status: 404, id: "example.note.not_found", message: `No note ${req.params.id}.` });
      return note;
    },
  });

  // A literal segment must win over `:id` whatever the order of registration.
  c.http.route({ method: "GET", path: "/api/v1/notes/latest", handler: async () => (await db().selectFrom("example_notes").selectAll().orderBy("create_at", "desc").orderBy("id", "desc").executeTakeFirst()) ?? null });

  c.http.route({ method: "GET", path: "/api/v1/public", auth: "none", handler: (req) => ({ ok: true, user_id: req.user?.id ?? null, query: req.query }) });

  c.http.route({ method: "GET", path: "/api/v1/settings", handler: () => c.settings.get() });

  c.http.route({
    method: "PUT",
    path: "/api/v1/kv/:key",
    async handler(req) {
      const body = z.object({ value: z.unknown(), expire_in_seconds: z.number().optional() }).parse(req.body);
      await c.kv.set(req.params.key!, body.value, body.expire_in_seconds ? { expireInSeconds: body.expire_in_seconds } : undefined);
      return { status: 200, body: { key: req.params.key } };
    },
  });
  c.http.route({ method: "GET", path: "/api/v1/kv/:key", handler: async (req) => ({ value: await c.kv.get(req.params.key!) }) });
  c.http.route({ method: "DELETE", path: "/api/v1/kv/:key", handler: async (req) => void (await c.kv.delete(req.params.key!)) });
  c.http.route({ method: "GET", path: "/api/v1/kv", handler: async (req) => ({ keys: await c.kv.list(req.query.prefix) }) });

  c.http.route({
    method: "POST",
    path: "/api/v1/events",
    handler(req) {
      c.realtime.publish("pinged", { by: req.user!.id }, { userId: req.user!.id });
      return { sent: true };
    },
  });

  c.http.route({
    method: "GET",
    path: "/api/v1/probe",
    async handler(req) {
      const { channel_id: channelId = "", team_id: teamId = "", username = "" } = req.query;
      const me = req.user!.id;
      const channel = await c.channels.get(channelId);
      const team = await c.teams.get(teamId);
      return {
        user: (await c.users.get(me))?.username ?? null,
        by_username: (await c.users.getByUsername(username))?.id ?? null,
        many: (await c.users.getMany([me, bot.id, "nobody"])).map((u) => u.id).sort(),
        team: team?.name ?? null,
        team_by_name: (await c.teams.getByName(team?.name ?? ""))?.id ?? null,
        team_member: await c.teams.isMember(teamId, me),
        team_admin: await c.teams.isAdmin(teamId, me),
        channel: channel?.name ?? null,
        channel_by_name: (await c.channels.getByName(teamId, channel?.name ?? ""))?.id ?? null,
        channel_member: await c.channels.isMember(channelId, me),
        member_ids: (await c.channels.memberIds(channelId)).sort(),
        can_read: await c.channels.canRead(me, channelId),
        can_post: await c.channels.canPost(me, channelId),
      };
    },
  });

  c.http.route({ method: "GET", path: "/api/v1/posts/:id", handler: async (req) => (await c.posts.get(req.params.id!)) ?? { status: 404, body: { id: "example.post.not_found", message: "no post", status_code: 404 } } });

  c.http.route({
    method: "GET",
    path: "/api/v1/state",
    handler: () => ({ activations, tracked_disposals: trackedDisposals, site_url: c.siteUrl, manifest_id: c.manifest.id, dialect: c.storage.dialect, bot_id: bot.id }),
  });

  c.automation.registerAction({
    name: "example_note",
    description: "Store a note in the example plugin",
    parameters: z.object({ text: z.string().describe("The note") }),
    returns: { note_id: { type: "string", description: "The new note's id" } },
    async run(input) {
      const note = await addNote(input.params.text, input.actorId);
      return { note_id: note.id };
    },
  });

  c.log.info("example plugin activated", { activations });
}

export async function deactivate(): Promise<void> {
  await api().kv.set("deactivated_at", Date.now());
  api().log.info("example plugin deactivated");
}
