/**
 * @module testing/authorization
 * The parts the authorization matrices share (server/api/authorization-matrix.test.ts
 * over host routes, server/api/plugin-authorization-matrix.test.ts over plugin
 * routes and the WebSocket): the caller kinds — the columns —, what each policy
 * kind lets through, and the fixture every resource row runs against: a fresh
 * member in a private channel of a fresh invite-only team, with a post of theirs.
 */
import type { RoutePolicy } from "#plugin-api";
import type { Channel, Post, Team } from "#common/wire.ts";
import { UserClient, type TestServer } from "./harness.ts";

/** Who calls: the columns of the matrix. */
export const ROLES = ["anonymous", "noTeam", "teamNonMember", "channelNonMember", "member", "admin"] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a policy lets through, as a kind: a plugin route's declared {@link RoutePolicy}, or a host
 * policy text's kind (`POLICY_KINDS` of the host matrix):
 * - `open`: anyone, signed in or not; `signed-in`: every signed-in user; `admin`: system admins;
 * - `team`: the team's members and system admins; `channel`: those who can read the private channel (its members) and system admins;
 * - `team-admin` and `channel-admin`: team or system admins (the fixture's member is no team admin);
 * - `self`: the user named by `:userId` (the member) and system admins; `post-author`: the post's author (the member) and system admins;
 * - `author-only`: the post's author alone, not even system admins;
 * - `self-only`: the user named by `:userId` (the member) alone, not even system admins;
 * - `unsampled` (a plugin's `input`): depends on a body or query value, or a resource the fixture does not make: only the access cells are checked.
 */
export type Kind = RoutePolicy | "self" | "post-author" | "author-only" | "channel-admin" | "self-only" | "unsampled";

/** Who each resource kind lets through, among the signed-in roles. */
const ALLOWED: Record<Exclude<Kind, "unsampled" | "input" | "open" | "signed-in">, readonly Role[]> = {
  admin: ["admin"],
  team: ["channelNonMember", "member", "admin"],
  channel: ["member", "admin"],
  self: ["member", "admin"],
  "post-author": ["member", "admin"],
  "author-only": ["member"],
  "channel-admin": ["admin"],
  "team-admin": ["admin"],
  "self-only": ["member"],
};

/** Whether a role is let through by a kind (anonymous callers never are, but on open routes). */
export function allowedFor(kind: Kind, role: Role): boolean {
  if (kind === "open") return true;
  if (role === "anonymous") return false;
  if (kind === "signed-in" || kind === "unsampled" || kind === "input") return true;
  return ALLOWED[kind].includes(role);
}

/** The roles in the order a row runs them: the refused first, so a write that succeeds (a delete) runs last on its fixture. */
export const refusedFirst = (kind: Kind): Role[] => [...ROLES].sort((a, b) => Number(allowedFor(kind, a)) - Number(allowedFor(kind, b)));

/** One row's fixture: a fresh member (a route may deactivate them), an invite-only team, its private channel, and the member's post in it. */
export interface MatrixFixture {
  member: UserClient;
  team: Team;
  channel: Channel;
  post: Post;
}

/**
 * The signed-in callers of a matrix, made once: the admin, a user on no team, one on another
 * invite-only team only, and the channel non-member (joined to each fixture's team). The member
 * is made fresh for each row, by {@link MatrixCallers.fixture} or {@link MatrixCallers.freshMember}.
 */
export class MatrixCallers {
  private constructor(
    private readonly server: TestServer,
    readonly clients: Record<Exclude<Role, "anonymous">, UserClient>,
  ) {}

  static async make(server: TestServer): Promise<MatrixCallers> {
    const admin = await server.admin();
    const callers = new MatrixCallers(server, {
      admin,
      noTeam: await server.createUser(),
      teamNonMember: await server.createUser(),
      channelNonMember: await server.createUser(),
      member: await server.createUser(),
    });
    const elsewhere = await server.createTeam(admin, { type: "I" });
    await callers.joinTeam(elsewhere, callers.clients.teamNonMember);
    return callers;
  }

  /** The client a role calls with. */
  client(role: Role): UserClient | TestServer["anonymous"] {
    return role === "anonymous" ? this.server.anonymous : this.clients[role];
  }

  /** A fresh member on no team, for a row without a fixture. */
  async freshMember(): Promise<void> {
    this.clients.member = await this.server.createUser();
  }

  /** A fresh fixture: the member on an invite-only team and in its private channel, with a post; the channel non-member on the team only. */
  async fixture(): Promise<MatrixFixture> {
    const { server, clients } = this;
    const member = await server.createUser();
    clients.member = member;
    const team = await server.createTeam(clients.admin, { type: "I" });
    await this.joinTeam(team, clients.channelNonMember);
    const channel = await server.createChannel(clients.admin, { teamId: team.id, type: "P" });
    await server.addToChannel(clients.admin, { channel, user: member.user });
    const post = await server.createPost(member, { channelId: channel.id, message: "matrix" });
    return { member, team, channel, post };
  }

  /** Add a user to a team, as the admin. */
  async joinTeam(team: Team, user: UserClient): Promise<void> {
    const res = await this.clients.admin.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: user.user.id });
    if (res.status !== 201) throw new Error(`joinTeam: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** Sign in again every caller whose session a route ended (logout, session revocation, deactivation undone). */
  async signInAgain(): Promise<void> {
    for (const role of ["admin", "noTeam", "teamNonMember", "channelNonMember"] as const) {
      const caller = this.clients[role];
      if ((await caller.get("/api/v4/users/me")).status !== 401) continue;
      const login = await this.server.anonymous.post("/api/v4/users/login", { login_id: caller.user.username, password: "password-123" });
      const token = login.headers.get("token");
      if (login.status !== 200 || !token) throw new Error(`sign-in of ${role}: ${login.status} ${JSON.stringify(login.body)}`);
      this.clients[role] = new UserClient(this.server.url, token, caller.user);
    }
  }
}

/** One cell's answer, judged: the problem it shows, or undefined. */
export function cellProblem(props: {
  cell: string;
  role: Role;
  kind: Kind;
  access: "none" | "user" | "system_admin";
  status: number;
  /** Whether the row's resource cells are checked (its path names the fixture's resources). */
  sampled: boolean;
  /** Set once an allowed caller's write succeeded: a later allowed caller may then find the resource gone (404). */
  written: boolean;
  /** A 5xx this route answers by design (a feature Sitrep does not have). */
  featureOff?: boolean;
}): string | undefined {
  const { cell, role, kind, access, status, sampled, written } = props;
  if (status >= 500 && !props.featureOff) return `5xx: ${cell}`;
  if (role === "anonymous") return access !== "none" && status !== 401 ? `expected 401: ${cell}` : undefined;
  if (access === "system_admin" && role !== "admin") return status !== 403 ? `expected 403: ${cell}` : undefined;
  if (!sampled) return undefined;
  const allowed = allowedFor(kind, role);
  if (!allowed && status < 300) return `expected a refusal: ${cell}`;
  const refusals = written ? [401, 403] : [401, 403, 404];
  if (allowed && refusals.includes(status)) return `expected to be let through: ${cell}`;
  return undefined;
}
