// Grounders of MessageAPI, TwitterAPI and TicketAPI: users, ids and texts taken from the state (which also holds
// everything earlier calls created), new names and texts from small vocabularies.
import { asRecord, classState, randInt, sample, wordsOf, type Args, type Grounder, type GroundingContext } from "./context";

const NEW_CONTACTS = ["Eve", "Frank", "Grace", "Henry", "Ivy", "Jack", "Karen", "Liam", "Mia", "Noah"];
const MESSAGES = [
  "The report is ready for review.",
  "Can we meet tomorrow at 10am?",
  "Please check the latest numbers.",
  "Thanks for the quick update!",
  "The meeting has moved to Friday.",
];
const TWEETS = [
  "Excited to share our latest project update!",
  "Great progress on the quarterly goals this week.",
  "Looking forward to the conference next month.",
  "New blog post is live, check it out.",
  "Wrapping up a productive sprint with the team.",
];
const COMMENTS = ["Great insight, thanks for sharing!", "Totally agree with this.", "Looking forward to more updates.", "Well said!"];
const HANDLES = ["tech_guru", "data_nerd", "market_watch", "daily_news", "eco_friendly"];
const TICKET_TITLES = ["Login issue", "Printer not working", "Invoice discrepancy", "VPN access request", "Laptop overheating"];
const TICKET_DESCRIPTIONS = ["Started this morning after the update.", "Affects the whole team.", "Needs attention before Friday.", "Happens intermittently."];
const RESOLUTIONS = ["Issue fixed after a restart.", "Replaced the faulty part.", "Access granted by the admin team.", "Resolved with a configuration change."];
const TICKET_USERS = ["jdoe", "asmith", "mchen", "support_agent"];

// ---- MessageAPI ----

function users(ctx: GroundingContext): [string, string][] {
  return Object.entries(asRecord(classState(ctx, "MessageAPI").user_map)).filter((e): e is [string, string] => typeof e[1] === "string");
}

function inbox(ctx: GroundingContext): [string, string][] {
  const raw = classState(ctx, "MessageAPI").inbox;
  const out: [string, string][] = [];
  for (const entry of Array.isArray(raw) ? raw : []) {
    const first = Object.entries(asRecord(entry))[0];
    if (first && typeof first[1] === "string") out.push([first[0], first[1]]);
  }
  return out;
}

export const MESSAGE_GROUNDERS: Record<string, Grounder> = {
  list_users: () => [{}],
  message_get_login_status: () => [{}],
  view_messages_sent: () => [{}],
  get_message_stats: () => [{}],
  get_user_id: (ctx) => sample(ctx, users(ctx), 4).map(([user]) => ({ user })),
  message_login: (ctx) => sample(ctx, users(ctx), 3).map(([, user_id]) => ({ user_id })),
  send_message: (ctx) => {
    const me = classState(ctx, "MessageAPI").current_user;
    return sample(ctx, users(ctx).filter(([, id]) => id !== me), 4).map(([, receiver_id]) => ({ receiver_id, message: ctx.rng.pick(MESSAGES) }));
  },
  delete_message: (ctx) => [...new Set(inbox(ctx).map(([id]) => id))].slice(-4).reverse().map((receiver_id) => ({ receiver_id })),
  add_contact: (ctx) => {
    const taken = new Set(users(ctx).map(([name]) => name));
    return sample(ctx, NEW_CONTACTS.filter((n) => !taken.has(n)), 2).map((user_name) => ({ user_name }));
  },
  search_messages: (ctx) => {
    const words = inbox(ctx).flatMap(([, text]) => wordsOf(text));
    return sample(ctx, [...new Set(words)], 3).map((keyword) => ({ keyword }));
  },
};

// ---- TwitterAPI ----

interface Tweet {
  id: number;
  username: string;
  content: string;
}

function tweets(ctx: GroundingContext): Tweet[] {
  const out: Tweet[] = [];
  for (const t of Object.values(asRecord(classState(ctx, "TwitterAPI").tweets))) {
    const r = asRecord(t);
    if (typeof r.id === "number" && typeof r.username === "string" && typeof r.content === "string") {
      out.push({ id: r.id, username: r.username, content: r.content });
    }
  }
  // Newest first: a tweet posted earlier in the task is the likeliest to be used next.
  return out.sort((a, b) => b.id - a.id);
}

function twitter(ctx: GroundingContext) {
  const s = classState(ctx, "TwitterAPI");
  const following = (Array.isArray(s.following_list) ? s.following_list : []).filter((u): u is string => typeof u === "string");
  return { username: typeof s.username === "string" ? s.username : "", password: typeof s.password === "string" ? s.password : "", following, retweets: asRecord(s.retweets) };
}

function recentTweets(ctx: GroundingContext, k = 4): Tweet[] {
  const all = tweets(ctx);
  return [...all.slice(0, 2), ...sample(ctx, all.slice(2), k - 2)];
}

export const TWITTER_GROUNDERS: Record<string, Grounder> = {
  posting_get_login_status: () => [{}],
  list_all_following: () => [{}],
  authenticate_twitter: (ctx) => {
    const { username, password } = twitter(ctx);
    return username && password ? [{ username, password }] : [];
  },
  post_tweet: (ctx) =>
    sample(ctx, TWEETS, 2).map((content) => {
      const r = ctx.rng.next();
      if (r < 0.4) return { content };
      if (r < 0.7) return { content, tags: [ctx.rng.pick(["#update", "#teamwork", "#news", "#tech"])] };
      return { content, tags: ["#update"], mentions: [`@${ctx.rng.pick(HANDLES)}`] };
    }),
  retweet: (ctx) => {
    const { username, retweets } = twitter(ctx);
    const done = new Set((Array.isArray(retweets[username]) ? retweets[username] : []) as unknown[]);
    return recentTweets(ctx).filter((t) => !done.has(t.id)).map((t) => ({ tweet_id: t.id }));
  },
  comment: (ctx) => recentTweets(ctx).map((t) => ({ tweet_id: t.id, comment_content: ctx.rng.pick(COMMENTS) })),
  mention: (ctx) => {
    const names = [...twitter(ctx).following, ...HANDLES];
    return recentTweets(ctx).map((t) => ({ tweet_id: t.id, mentioned_usernames: sample(ctx, names, randInt(ctx, 1, 2)) }));
  },
  get_tweet: (ctx) => recentTweets(ctx).map((t) => ({ tweet_id: t.id })),
  get_tweet_comments: (ctx) => recentTweets(ctx).map((t) => ({ tweet_id: t.id })),
  follow_user: (ctx) => {
    const { following, username } = twitter(ctx);
    const candidates = [...new Set([...tweets(ctx).map((t) => t.username), ...HANDLES])].filter((u) => u !== username && !following.includes(u));
    return sample(ctx, candidates, 3).map((username_to_follow) => ({ username_to_follow }));
  },
  unfollow_user: (ctx) => sample(ctx, twitter(ctx).following, 3).map((username_to_unfollow) => ({ username_to_unfollow })),
  get_user_tweets: (ctx) => sample(ctx, [...new Set(tweets(ctx).map((t) => t.username))], 3).map((username) => ({ username })),
  get_user_stats: (ctx) => {
    const names = [...new Set([twitter(ctx).username, ...tweets(ctx).map((t) => t.username)])].filter(Boolean);
    return sample(ctx, names, 3).map((username) => ({ username }));
  },
  search_tweets: (ctx) => sample(ctx, [...new Set(tweets(ctx).flatMap((t) => wordsOf(t.content)))], 3).map((keyword) => ({ keyword })),
};

// ---- TicketAPI ----

interface Ticket {
  id: number;
  status: string;
  created_by: unknown;
}

function tickets(ctx: GroundingContext): Ticket[] {
  const raw = classState(ctx, "TicketAPI").ticket_queue;
  const out: Ticket[] = [];
  for (const t of Array.isArray(raw) ? raw : []) {
    const r = asRecord(t);
    if (typeof r.id === "number") out.push({ id: r.id, status: typeof r.status === "string" ? r.status : "", created_by: r.created_by });
  }
  return out.reverse();
}

function ticketIds(ctx: GroundingContext, keep: (t: Ticket) => boolean): Args[] {
  const all = tickets(ctx).filter(keep);
  return [...all.slice(0, 2), ...sample(ctx, all.slice(2), 2)].map((t) => ({ ticket_id: t.id }));
}

export const TICKET_GROUNDERS: Record<string, Grounder> = {
  ticket_get_login_status: () => [{}],
  logout: () => [{}],
  ticket_login: (ctx) => {
    const current = classState(ctx, "TicketAPI").current_user;
    const names = typeof current === "string" && current ? [current] : sample(ctx, TICKET_USERS, 2);
    return names.map((username) => ({ username, password: `${username.replace(/_/g, "")}Pass${randInt(ctx, 10, 99)}` }));
  },
  create_ticket: (ctx) =>
    sample(ctx, TICKET_TITLES, 2).map((title) => {
      const r = ctx.rng.next();
      if (r < 0.3) return { title };
      if (r < 0.6) return { title, description: ctx.rng.pick(TICKET_DESCRIPTIONS) };
      return { title, description: ctx.rng.pick(TICKET_DESCRIPTIONS), priority: randInt(ctx, 1, 5) };
    }),
  get_ticket: (ctx) => ticketIds(ctx, () => true),
  close_ticket: (ctx) => ticketIds(ctx, (t) => t.status !== "Closed"),
  resolve_ticket: (ctx) => ticketIds(ctx, (t) => t.status !== "Resolved").map((a) => ({ ...a, resolution: ctx.rng.pick(RESOLUTIONS) })),
  edit_ticket: (ctx) =>
    ticketIds(ctx, () => true).map((a) => {
      const r = ctx.rng.next();
      const updates: Args = r < 0.4 ? { priority: randInt(ctx, 1, 5) } : r < 0.7 ? { status: "In Progress" } : { title: ctx.rng.pick(TICKET_TITLES), priority: randInt(ctx, 1, 5) };
      return { ...a, updates };
    }),
  get_user_tickets: (ctx) => {
    const current = classState(ctx, "TicketAPI").current_user;
    const statuses = [...new Set(tickets(ctx).filter((t) => t.created_by === current && t.status).map((t) => t.status))];
    return [...sample(ctx, statuses, 2).map((status) => ({ status })), {}];
  },
};
