/**
 * @module bench/loadtest/model
 * The load model of `npm run loadtest`, in one place: every figure the
 * generator and the ramp use, each with where it comes from. The generator's
 * worker (users.mjs) receives {@link MODEL} as plain data, so nothing it does
 * is decided elsewhere.
 *
 * Sources:
 * - [LTNG] Mattermost load-test-ng, `loadtest/control/simulcontroller/controller.go`
 *   (the action list and frequencies of the simulative controller) and
 *   `config/simulcontroller.sample.json` (`MinIdleTimeMs` 1000, `AvgIdleTimeMs`
 *   20000 → a uniform wait of 1–39 s, times `RateMultiplier`).
 * - [MMPERF] Mattermost's published ceiling test (2024): 29,504 users, avg request
 *   < 0.1 s, p99 < 2 s, 5xx < 0.025 %, app CPU < 85 %; the rate multiplier 5.4
 *   and ≈ 0.1 requests/s per user are the figures of that run's report.
 * - [WEBAPP] what Mattermost's web client fetches at start-up and polls
 *   (`actions/views/root.ts` loadMe, the 60 s status poll of `actions/status_actions`).
 * - [ISSUE17] Sitrep issue 17: the incident share, forwarding on the busiest channels,
 *   the probe workspace (200 channels of ≈ 750 members at 15,000 users).
 */

/** Weighted actions of a simulated user's loop, in percent [LTNG, as quoted in ISSUE17]. */
export const ACTION_WEIGHTS = {
  /** View a channel: mark it viewed, its last 30 posts, the statuses of their authors. */
  switchChannel: 48,
  /** Scroll back: the 30 posts before the oldest one shown. */
  scrollBack: 15,
  /** Unread check: the team's unread counts and the channel memberships. */
  unreadCheck: 7,
  /** Create a post, a `user_typing` event first. */
  createPost: 7,
  /** Open a direct message with another user, and its posts. */
  openDm: 7,
  /** The threads list, one thread, marked read. */
  viewThreads: 9,
  /** Open a permalink: the post and its thread, its channel. */
  permalink: 2,
  /** Close the WebSocket and reconnect with `connection_id` and `sequence_number`. */
  reconnect: 1,
  /** React to a post. */
  reaction: 1,
  /** Search the team's posts. */
  search: 0.7,
} as const;

export type ActionName = keyof typeof ACTION_WEIGHTS;

/** What a responder in an active incident does on top of the chat loop [ISSUE17]; the weights are ours. */
export const INCIDENT_ACTION_WEIGHTS = {
  /** Check or uncheck a checklist item. */
  checklist: 55,
  /** Move the incident to the next stage (or back to the first after the last). */
  stage: 15,
  /** Post a status update. */
  statusUpdate: 30,
} as const;

export type IncidentActionName = keyof typeof INCIDENT_ACTION_WEIGHTS;

/** Everything counted by the generator besides the weighted actions. */
export const OTHER_COUNTED = ["startup", "statusPoll"] as const;

export const MODEL = {
  actions: ACTION_WEIGHTS,
  incidentActions: INCIDENT_ACTION_WEIGHTS,
  wait: {
    /** [LTNG] MinIdleTimeMs. */
    minMs: 1_000,
    /** [LTNG] 2 × AvgIdleTimeMs − MinIdleTimeMs: uniform 1–39 s, mean 20 s. */
    maxMs: 39_000,
    /** [MMPERF] RateMultiplier of the ceiling run: mean wait ≈ 108 s. */
    rateFactor: 5.4,
  },
  /** [WEBAPP] The web client asks for the statuses of the users it shows every 60 s. */
  statusPollMs: 60_000,
  /** A responder's incident action comes every this long on average (uniform 0.5×–1.5×), times the rate factor over 5.4 — ours. */
  incidentActionMeanMs: 60_000,
  post: {
    /** [LTNG] share of created posts that are thread replies. */
    replyShare: 0.18,
    /** [LTNG] share of created posts that mention someone. */
    mentionShare: 0.1,
  },
  /** Posts per page when a channel is viewed or scrolled back [WEBAPP]. */
  postsPerPage: 30,
  incident: {
    /** [ISSUE17] share of users who are in an active incident at any time. */
    userShare: 0.05,
    /** Responders per incident (commander included) — ours, a small response team. */
    respondersPerIncident: 5,
    /** [ISSUE17] forwarding rules are active on this many of the busiest channels. */
    forwardedChannels: 5,
  },
  workspace: {
    /** [ISSUE17] the probe's channels of ≈ 750 members (200 channels at 15,000 users). */
    membersPerChannel: 750,
    /** Each user is in this many of the team's public channels (200 × 750 / 15,000) [ISSUE17]. */
    channelsPerUser: 10,
    /** Posts written in each channel before the run, so scroll-back, threads and permalinks find some. */
    seedPostsPerChannel: 40,
    /** Of the seeded posts, every this many is a thread root with a reply. */
    seedThreadEvery: 5,
  },
  /** [MMPERF] The thresholds every sample window must keep. */
  thresholds: {
    avgMs: 100,
    p99Ms: 2_000,
    /** 5xx answers and timeouts, as a share of requests. */
    errorShare: 0.00025,
    /** Sitrep's processes' CPU time as a share of the machine's cores. */
    cpuShare: 0.85,
  },
  /** A request not answered in this long counts as a timeout [LTNG's HTTP client timeout is 10 s]. */
  requestTimeoutMs: 10_000,
  /** CPU and requests are sampled this often [ISSUE17]. */
  sampleMs: 5_000,
} as const;

export type LoadModel = typeof MODEL;

/** How a run ramps: the full one [MMPERF's feedback mode], the short one a test runs, and the idle one that measures memory. */
export interface RampPlan {
  /** Users connected at the start. */
  startUsers: number;
  /** Users added after a window in which every threshold held (halved after each back-off, at least `minStep`). */
  step: number;
  minStep: number;
  /** Users the workspace is seeded with: the ramp cannot go past them. */
  maxUsers: number;
  /** A decision is taken after each window of this long (several samples). */
  windowMs: number;
  /** The run stops when the user count has not changed by more than `minStep` for this long. */
  flatMs: number;
  /** The run stops after this long in any case. */
  maxMs: number;
  /** Multiplies the wait (and the status poll and incident cadence); 1 is the model. */
  compress: number;
}

export const FULL_PLAN: RampPlan = {
  startUsers: 1_000,
  step: 2_000,
  minStep: 250,
  maxUsers: 30_000,
  windowMs: 60_000,
  flatMs: 5 * 60_000,
  maxMs: 60 * 60_000,
  compress: 1,
};

/** `--quick`: 50 users with the wait compressed 100×, so every action is done within a minute or two. */
export const QUICK_PLAN: RampPlan = {
  startUsers: 25,
  step: 25,
  minStep: 10,
  maxUsers: 50,
  windowMs: 10_000,
  flatMs: 40_000,
  maxMs: 100_000,
  compress: 0.01,
};
