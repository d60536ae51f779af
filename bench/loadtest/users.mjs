// Simulated users of `npm run loadtest`, in a worker thread (plain JavaScript:
// worker threads get no TypeScript loader). Each user opens one WebSocket,
// does a web client's start-up fetches, then loops over the weighted actions
// of the model (bench/loadtest/model.ts, received as workerData) with its
// random wait, polls statuses every minute, and — when it responds to an
// incident — works the incident on top. Talks to 127.0.0.1 only. The main
// thread starts and stops users and asks for a sample every few seconds.
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import { WebSocket } from "ws";

const { urls, model, compress, workspace } = workerData;
for (const url of urls) if (new URL(url).hostname !== "127.0.0.1") throw new Error(`the load test talks to 127.0.0.1 only, not ${url}`);

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const usernames = new Map(workspace.users.map((u) => [u.id, u.username]));
const EMOJI = ["+1", "eyes", "white_check_mark", "fire", "rocket"];

/** Counters since the last sample (deltas), and totals of what is running now. */
let sample = freshSample();
function freshSample() {
  return { latencies: [], requests: 0, errors5xx: 0, timeouts: 0, errors4xx: 0, failures: [], crashes: 0, begun: {}, done: {}, frames: 0 };
}
const bump = (counts, name) => (counts[name] = (counts[name] ?? 0) + 1);

const pick = (list) => list[Math.floor(Math.random() * list.length)];
const sleep = (ms, user) =>
  new Promise((resolve) => {
    const timer = setTimeout(() => {
      user?.timers.delete(timer);
      resolve();
    }, ms);
    user?.timers.set(timer, resolve);
  });

/** The random wait between actions: uniform min–max, times the rate factor, times the run's compression. */
function actionWait() {
  const { minMs, maxMs, rateFactor } = model.wait;
  return (minMs + Math.random() * (maxMs - minMs)) * rateFactor * compress;
}

/** A weighted choice among `weights` ({name: weight}). */
function weighted(weights) {
  const entries = Object.entries(weights);
  let roll = Math.random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [name, w] of entries) if ((roll -= w) < 0) return name;
  return entries[entries.length - 1][0];
}

function words(n) {
  return Array.from({ length: n }, () => pick(workspace.vocabulary)).join(" ");
}

/** `GET /api/v4/posts/xyz` → `GET /api/v4/posts/:id`, so failures group by route. */
const routeOf = (method, path) => `${method} ${path.split("?")[0].replace(/[a-z0-9]{26}/g, ":id")}`;

class SimulatedUser {
  constructor(data, url) {
    this.data = data;
    this.url = url;
    this.stopped = false;
    this.timers = new Map();
    this.ws = null;
    this.connectionId = "";
    this.lastSeq = -1;
    this.channelId = data.channelIds[0];
    /** channel id → posts seen there, newest first. */
    this.posts = new Map();
    this.incidentStage = 0;
  }

  /** One request; its status and parsed body. Latency, 5xx, timeouts and 4xx are counted. */
  request(method, path, body) {
    // A stopped user's action ends without more requests (and without counting any).
    if (this.stopped) return Promise.resolve({ status: 0, body: null });
    return new Promise((resolve) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers = { authorization: `Bearer ${this.data.token}` };
      if (payload !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(payload);
      }
      const started = performance.now();
      let settled = false;
      const settle = (status, text) => {
        if (settled) return;
        settled = true;
        sample.requests++;
        sample.latencies.push(performance.now() - started);
        if (status === 0) sample.timeouts++;
        else if (status >= 500) sample.errors5xx++;
        else if (status >= 400) sample.errors4xx++;
        if ((status === 0 || status >= 400) && sample.failures.length < 20)
          sample.failures.push(`${routeOf(method, path)} ${status || "timeout"} ${String(text).slice(0, 160)}`);
        let json = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          json = null;
        }
        resolve({ status, body: json });
      };
      const req = http.request(this.url + path, { method, agent, headers }, (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => settle(res.statusCode ?? 0, Buffer.concat(chunks).toString()));
        res.on("error", () => settle(0, "response error"));
      });
      req.setTimeout(model.requestTimeoutMs, () => {
        settle(0, "timeout");
        req.destroy();
      });
      req.on("error", (error) => settle(0, error.message));
      req.end(payload);
    });
  }

  /** Open the WebSocket (resuming the last connection when asked) and wait until it is usable. */
  connect(resume) {
    if (this.stopped) return Promise.resolve();
    const query = resume && this.connectionId ? `?connection_id=${this.connectionId}&sequence_number=${this.lastSeq + 1}` : "";
    return new Promise((resolve) => {
      const ws = new WebSocket(`${this.url.replace(/^http/, "ws")}/api/v4/websocket${query}`, {
        headers: { authorization: `Bearer ${this.data.token}` },
      });
      this.ws = ws;
      let ready = false;
      const done = () => {
        if (!ready) {
          ready = true;
          resolve();
        }
      };
      ws.on("message", (data) => {
        sample.frames++;
        // The seq is the frame's last field: read it from the tail instead of parsing every frame.
        const tail = data.toString("latin1", Math.max(0, data.length - 24));
        const at = tail.lastIndexOf('"seq":');
        if (at >= 0) this.lastSeq = Number(tail.slice(at + 6, -1));
        if (!this.connectionId || data.subarray(0, 16).toString() === '{"event":"hello"') {
          const match = /"connection_id":"([a-z0-9]{26})"/.exec(data.toString());
          if (match) this.connectionId = match[1];
        }
        done();
      });
      // A resumed connection gets no hello: the open socket is usable.
      ws.once("open", () => (resume ? done() : undefined));
      ws.once("error", done);
      ws.once("close", done);
    });
  }

  /** Mattermost web client's start-up fetches (loadMe, the team's channels and memberships, the landing channel). */
  async startup() {
    bump(sample.begun, "startup");
    const t = workspace.teamId;
    await this.request("GET", "/api/v4/users/me");
    await Promise.all([
      this.request("GET", "/api/v4/config/client?format=old"),
      this.request("GET", "/api/v4/license/client?format=old"),
      this.request("GET", "/api/v4/users/me/teams"),
      this.request("GET", "/api/v4/users/me/teams/members"),
      this.request("GET", "/api/v4/users/me/preferences"),
      this.request("POST", "/api/v4/roles/names", ["system_user", "team_user", "channel_user"]),
    ]);
    await Promise.all([
      this.request("GET", `/api/v4/users/me/teams/${t}/channels`),
      this.request("GET", `/api/v4/users/me/teams/${t}/channels/members`),
      this.request("GET", "/api/v4/users/me/teams/unread"),
    ]);
    await this.connect(false);
    await this.viewChannel(this.channelId);
    bump(sample.done, "startup");
  }

  /** Mark a channel viewed, read its last page, ask for its authors' statuses. */
  async viewChannel(channelId) {
    const previous = this.channelId;
    this.channelId = channelId;
    await this.request("POST", "/api/v4/channels/members/me/view", { channel_id: channelId, prev_channel_id: previous });
    const page = await this.request("GET", `/api/v4/channels/${channelId}/posts?page=0&per_page=${model.postsPerPage}`);
    const posts = this.remember(channelId, page.body, false);
    const authors = [...new Set(posts.map((p) => p.user_id))].slice(0, 50);
    if (authors.length) await this.request("POST", "/api/v4/users/status/ids", authors);
  }

  /** Keep what a page of posts showed (newest first), for replies, reactions, permalinks and scrolling back. */
  remember(channelId, list, older) {
    if (!list || !Array.isArray(list.order)) return [];
    const posts = list.order.map((id) => list.posts[id]).filter(Boolean);
    const known = this.posts.get(channelId) ?? [];
    const merged = older ? [...known, ...posts] : [...posts, ...known.filter((k) => !posts.some((p) => p.id === k.id))];
    this.posts.set(channelId, merged.slice(0, 300));
    return posts;
  }

  knownPost() {
    const here = this.posts.get(this.channelId);
    if (here?.length) return pick(here);
    const all = [...this.posts.values()].flat();
    return all.length ? pick(all) : null;
  }

  async switchChannel() {
    await this.viewChannel(pick(this.data.channelIds));
  }

  async scrollBack() {
    const known = this.posts.get(this.channelId) ?? [];
    const oldest = known[known.length - 1];
    const query = oldest ? `before=${oldest.id}&per_page=${model.postsPerPage}` : `page=1&per_page=${model.postsPerPage}`;
    const page = await this.request("GET", `/api/v4/channels/${this.channelId}/posts?${query}`);
    this.remember(this.channelId, page.body, true);
  }

  async unreadCheck() {
    await Promise.all([
      this.request("GET", "/api/v4/users/me/teams/unread"),
      this.request("GET", `/api/v4/users/me/teams/${workspace.teamId}/channels/members`),
    ]);
  }

  async createPost() {
    const reply = Math.random() < model.post.replyShare ? this.knownPost() : null;
    const rootId = reply ? reply.root_id || reply.id : "";
    const channelId = reply ? reply.channel_id : this.channelId;
    if (this.ws?.readyState === WebSocket.OPEN)
      this.ws.send(JSON.stringify({ action: "user_typing", seq: 1, data: { channel_id: channelId, parent_id: rootId } }));
    let message = words(6 + Math.floor(Math.random() * 10));
    if (Math.random() < model.post.mentionShare) {
      const about = this.knownPost();
      const name = about && about.user_id !== this.data.id ? usernames.get(about.user_id) : undefined;
      if (name) message = `@${name} ${message}`;
    }
    // On the forwarded channels, some posts name an incident's service, so the rules copy them.
    const keywords = workspace.forwardKeywords[channelId];
    if (keywords?.length && Math.random() < 0.2) message += ` ${pick(keywords)} is failing`;
    const res = await this.request("POST", "/api/v4/posts", { channel_id: channelId, message, ...(rootId ? { root_id: rootId } : {}) });
    if (res.status === 201 && res.body) this.remember(channelId, { order: [res.body.id], posts: { [res.body.id]: res.body } }, false);
  }

  async openDm() {
    const other = pick(workspace.users);
    if (other.id === this.data.id) return;
    const res = await this.request("POST", "/api/v4/channels/direct", [this.data.id, other.id]);
    if (!res.body?.id) return;
    await this.request("POST", "/api/v4/channels/members/me/view", { channel_id: res.body.id, prev_channel_id: this.channelId });
    await this.request("GET", `/api/v4/channels/${res.body.id}/posts?page=0&per_page=${model.postsPerPage}`);
  }

  async viewThreads() {
    const t = workspace.teamId;
    const list = await this.request("GET", `/api/v4/users/me/teams/${t}/threads?per_page=25`);
    const followed = Array.isArray(list.body?.threads) ? list.body.threads : [];
    const known = this.knownPost();
    const threadId = followed.length ? pick(followed).id : known ? known.root_id || known.id : null;
    if (!threadId) return;
    await this.request("GET", `/api/v4/posts/${threadId}/thread`);
    if (followed.length) await this.request("PUT", `/api/v4/users/me/teams/${t}/threads/${threadId}/read/${Date.now()}`);
  }

  async permalink() {
    const post = this.knownPost();
    if (!post) return;
    await this.request("GET", `/api/v4/posts/${post.id}/thread`);
    await this.request("GET", `/api/v4/channels/${post.channel_id}`);
  }

  async reconnect() {
    const old = this.ws;
    if (old) {
      await new Promise((resolve) => {
        if (old.readyState === WebSocket.CLOSED) return resolve();
        old.once("close", resolve);
        old.close();
      });
    }
    if (!this.stopped) await this.connect(true);
  }

  async reaction() {
    const post = this.knownPost();
    if (!post) return;
    await this.request("POST", "/api/v4/reactions", { user_id: this.data.id, post_id: post.id, emoji_name: pick(EMOJI) });
  }

  async search() {
    await this.request("POST", `/api/v4/teams/${workspace.teamId}/posts/search`, {
      terms: words(1 + Math.floor(Math.random() * 2)),
      is_or_search: false,
    });
  }

  async statusPoll() {
    const ids = [...new Set((this.posts.get(this.channelId) ?? []).map((p) => p.user_id))].slice(0, 50);
    await this.request("POST", "/api/v4/users/status/ids", ids.length ? ids : [this.data.id]);
  }

  async checklist() {
    const incident = this.data.incident;
    await this.request("PUT", `/plugins/incident/api/v1/incidents/${incident.id}/checklist/${pick(incident.itemIds)}`, {
      checked: Math.random() < 0.6,
    });
  }

  async stage() {
    const incident = this.data.incident;
    const path = `/plugins/incident/api/v1/incidents/${incident.id}`;
    const current = await this.request("GET", path);
    const at = incident.stages.indexOf(current.body?.current_stage);
    await this.request("PATCH", path, { current_stage: incident.stages[(at + 1) % incident.stages.length] });
  }

  async statusUpdate() {
    await this.request("POST", `/plugins/incident/api/v1/incidents/${this.data.incident.id}/status-updates`, {
      message: `Status: ${words(12)}`,
    });
  }

  /** Run one counted action; a thrown error is a generator bug and ends the worker. */
  async act(name) {
    bump(sample.begun, name);
    await this[name]();
    bump(sample.done, name);
  }

  async loop(startDelay) {
    await sleep(startDelay, this);
    if (this.stopped) return;
    await this.startup();
    const beside = [this.every(model.statusPollMs * compress, "statusPoll")];
    if (this.data.incident) beside.push(this.every(model.incidentActionMeanMs * compress, () => weighted(model.incidentActions), true));
    while (!this.stopped) {
      await sleep(actionWait(), this);
      if (this.stopped) break;
      await this.act(weighted(model.actions));
    }
    await Promise.all(beside);
  }

  /** Repeat an action every `ms` (or around `ms`, uniform 0.5×–1.5×, when `jitter`) until stopped. */
  async every(ms, action, jitter = false) {
    await sleep(Math.random() * ms, this);
    while (!this.stopped) {
      await this.act(typeof action === "function" ? action() : action);
      await sleep(jitter ? ms * (0.5 + Math.random()) : ms, this);
    }
  }

  stop() {
    this.stopped = true;
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
    this.ws?.terminate();
  }
}

/** Users of this worker, in the order they were started. */
const running = [];
/** Their loops, to wait for when stopping. */
const loops = new Set();

parentPort.on("message", async (command) => {
  try {
    if (command.type === "start") {
      for (const index of command.indexes) {
        const data = workspace.users[index];
        const user = new SimulatedUser(data, urls[index % urls.length]);
        running.push(user);
        // A throw is a bug of the generator: counted, and shown with the failures.
        const loop = user.loop(Math.random() * command.spreadMs).catch((error) => {
          sample.crashes++;
          sample.failures.push(`crash: ${String(error?.stack ?? error).slice(0, 400)}`);
        });
        loops.add(loop);
        void loop.finally(() => loops.delete(loop));
      }
      parentPort.postMessage({ started: running.length });
    } else if (command.type === "stop") {
      for (const user of running.splice(Math.max(0, running.length - command.count))) user.stop();
      parentPort.postMessage({ running: running.length });
    } else if (command.type === "sample") {
      const out = sample;
      sample = freshSample();
      const open = running.filter((u) => u.ws?.readyState === WebSocket.OPEN).length;
      parentPort.postMessage({ ...out, latencies: Float64Array.from(out.latencies), open, running: running.length });
    } else if (command.type === "finish") {
      for (const user of running.splice(0)) user.stop();
      await Promise.all(loops);
      const out = sample;
      sample = freshSample();
      parentPort.postMessage({ ...out, latencies: Float64Array.from(out.latencies), open: 0, running: 0 });
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
  }
});
