// TwitterAPI: one account (username/password), its tweets keyed by int id, comments, retweets and follows.
// Behaviour inferred from the reference traces: tweet ids are ints (config keys "0", "1" are converted, so
// tweet_id=True finds tweet 1 but tweet_id="1" finds nothing), mention() needs no login, a retweet list is
// created only for an existing tweet, and long-context mode changes nothing for this class.
import { PyException, type BfclApiClass, type PyValue } from "../api-class";
import { defaultState } from "../data";
import { pyStr } from "../py-format";
import {
  PyDict,
  canonicalValue,
  configValue,
  copyValue,
  pyContains,
  pyEq,
  pyGetItem,
  pyIterate,
  pyLower,
  pyTruthy,
  pyTypeName,
} from "./py-semantics";

type Tweet = Record<string, unknown>;

interface TwitterState {
  username: unknown;
  password: unknown;
  authenticated: unknown;
  tweets: PyDict<Tweet>;
  comments: PyDict<unknown>;
  retweets: PyDict<unknown>;
  followingList: unknown[];
  tweetCounter: number;
}

function notAuthenticated(action: string): { error: string } {
  return { error: `User not authenticated. Please authenticate before ${action}.` };
}

function tweetNotFound(tweetId: unknown): { error: string } {
  return { error: `Tweet with ID ${pyStr(tweetId)} not found.` };
}

/** int(k) for the string keys of a JSON config. */
function intKey(key: string): number {
  if (!/^\s*[-+]?\d+\s*$/.test(key)) throw new PyException("ValueError", `invalid literal for int() with base 10: '${key}'`);
  return Number(key);
}

function loadState(config: Record<string, unknown>): TwitterState {
  const d = defaultState("TwitterAPI");
  const tweets = copyValue(configValue(config, "tweets", d.tweets) as Record<string, Tweet>);
  const comments = copyValue(configValue(config, "comments", d.comments) as Record<string, unknown>);
  const retweets = copyValue(configValue(config, "retweets", d.retweets) as Record<string, unknown>);
  return {
    username: configValue(config, "username", d.username),
    password: configValue(config, "password", d.password),
    authenticated: configValue(config, "authenticated", d.authenticated),
    tweets: PyDict.fromEntries(Object.entries(tweets).map(([k, v]) => [intKey(k), v] as const)),
    // Only tweet ids are converted to int; comment and retweet keys keep their config type.
    comments: PyDict.fromEntries(Object.entries(comments)),
    retweets: PyDict.fromEntries(Object.entries(retweets)),
    followingList: copyValue(configValue(config, "following_list", d.following_list) as unknown[]),
    tweetCounter: configValue(config, "tweet_counter", d.tweet_counter) as number,
  };
}

function copyState(s: TwitterState): TwitterState {
  return {
    username: s.username,
    password: s.password,
    authenticated: s.authenticated,
    tweets: s.tweets.clone(copyValue),
    comments: s.comments.clone(copyValue),
    retweets: s.retweets.clone(copyValue),
    followingList: copyValue(s.followingList),
    tweetCounter: s.tweetCounter,
  };
}

/** Python list.append on a value that should be a list. */
function appendTo(target: unknown, item: unknown): void {
  if (!Array.isArray(target)) throw new PyException("AttributeError", `'${pyTypeName(target)}' object has no attribute 'append'`);
  target.push(item);
}

export function createTwitterAPI(): BfclApiClass {
  let s = loadState({});

  const tools: Record<string, (args: Record<string, unknown>) => PyValue> = {
    authenticate_twitter: ({ username, password }) => {
      if (pyEq(username, s.username) && pyEq(password, s.password)) {
        s.authenticated = true;
        return { authentication_status: true };
      }
      return { authentication_status: false };
    },

    posting_get_login_status: () => ({ login_status: pyTruthy(s.authenticated) }),

    post_tweet: (args) => {
      if (!pyTruthy(s.authenticated)) return notAuthenticated("posting");
      const tweet: Tweet = {
        id: s.tweetCounter,
        username: s.username,
        content: args.content,
        tags: "tags" in args ? copyValue(args.tags) : [],
        mentions: "mentions" in args ? copyValue(args.mentions) : [],
      };
      s.tweets.set(s.tweetCounter, tweet);
      s.tweetCounter += 1;
      return tweet;
    },

    retweet: ({ tweet_id }) => {
      if (!pyTruthy(s.authenticated)) return notAuthenticated("retweeting");
      if (!s.tweets.has(tweet_id)) return tweetNotFound(tweet_id);
      if (!s.retweets.has(s.username)) s.retweets.set(s.username, []);
      const mine = s.retweets.get(s.username);
      if (pyContains(pyIterate(mine), tweet_id)) return { retweet_status: "Already retweeted" };
      appendTo(mine, tweet_id);
      return { retweet_status: "Successfully retweeted" };
    },

    comment: ({ tweet_id, comment_content }) => {
      if (!pyTruthy(s.authenticated)) return notAuthenticated("commenting");
      if (!s.tweets.has(tweet_id)) return tweetNotFound(tweet_id);
      if (!s.comments.has(tweet_id)) s.comments.set(tweet_id, []);
      appendTo(s.comments.get(tweet_id), { username: s.username, content: comment_content });
      return { comment_status: "Comment added successfully" };
    },

    mention: ({ tweet_id, mentioned_usernames }) => {
      const tweet = s.tweets.get(tweet_id);
      if (tweet === undefined) return tweetNotFound(tweet_id);
      const mentions = pyGetItem(tweet, "mentions");
      if (!Array.isArray(mentions)) throw new PyException("AttributeError", `'${pyTypeName(mentions)}' object has no attribute 'extend'`);
      mentions.push(...pyIterate(mentioned_usernames));
      return { mention_status: "Users mentioned successfully" };
    },

    follow_user: ({ username_to_follow }) => {
      if (!pyTruthy(s.authenticated)) return notAuthenticated("following");
      if (pyContains(s.followingList, username_to_follow)) return { follow_status: false };
      s.followingList.push(username_to_follow);
      return { follow_status: true };
    },

    list_all_following: () => {
      if (!pyTruthy(s.authenticated)) return notAuthenticated("listing following");
      return { following_list: s.followingList };
    },

    unfollow_user: ({ username_to_unfollow }) => {
      if (!pyTruthy(s.authenticated)) return notAuthenticated("unfollowing");
      const i = s.followingList.findIndex((u) => pyEq(u, username_to_unfollow));
      if (i < 0) return { unfollow_status: false };
      s.followingList.splice(i, 1);
      return { unfollow_status: true };
    },

    get_tweet: ({ tweet_id }) => {
      const tweet = s.tweets.get(tweet_id);
      return tweet === undefined ? tweetNotFound(tweet_id) : tweet;
    },

    get_user_tweets: ({ username }) => s.tweets.values().filter((t) => pyEq(pyGetItem(t, "username"), username)),

    // The keyword is lowered per tweet: with no tweets a non-string keyword raises nothing.
    search_tweets: ({ keyword }) =>
      s.tweets.values().filter((t) => {
        const needle = pyLower(keyword);
        return pyLower(pyGetItem(t, "content")).includes(needle);
      }),

    get_tweet_comments: ({ tweet_id }) => {
      if (!s.tweets.has(tweet_id)) return tweetNotFound(tweet_id);
      return s.comments.has(tweet_id) ? s.comments.get(tweet_id) : [];
    },

    get_user_stats: ({ username }) => {
      let tweetCount = 0;
      for (const t of s.tweets.values()) if (pyEq(pyGetItem(t, "username"), username)) tweetCount++;
      const followingCount = pyEq(username, s.username) ? s.followingList.length : 0;
      const retweets = s.retweets.has(username) ? pyIterate(s.retweets.get(username)) : [];
      return { tweet_count: tweetCount, following_count: followingCount, retweet_count: retweets.length };
    },
  };

  return {
    className: "TwitterAPI",
    tools,
    loadScenario(config) {
      s = loadState(config);
    },
    publicState() {
      return {
        username: canonicalValue(s.username),
        password: canonicalValue(s.password),
        authenticated: canonicalValue(s.authenticated),
        tweets: canonicalValue(s.tweets),
        comments: canonicalValue(s.comments),
        retweets: canonicalValue(s.retweets),
        following_list: canonicalValue(s.followingList),
        tweet_counter: s.tweetCounter,
      };
    },
    snapshot() {
      return copyState(s);
    },
    restore(snapshot) {
      s = copyState(snapshot as TwitterState);
    },
  };
}
