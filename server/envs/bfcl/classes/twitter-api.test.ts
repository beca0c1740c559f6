// Unit tests of TwitterAPI; the replay of the reference traces, for every class, is ../differential.test.ts.
import { describe, expect, it } from "vitest";
import { createTwitterAPI } from "./twitter-api";

const CLASS = "TwitterAPI";

describe(`${CLASS} snapshot/restore`, () => {
  it("restores tweets, comments, retweets and follows", () => {
    const api = createTwitterAPI();
    api.loadScenario({ authenticated: true, tweets: { "0": { id: 0, username: "john", content: "hi", tags: [], mentions: [] } }, tweet_counter: 1 }, false);
    const snap = api.snapshot();
    const before = api.publicState();
    api.tools.post_tweet({ content: "x" });
    api.tools.comment({ tweet_id: true, comment_content: "c" });
    api.tools.retweet({ tweet_id: 0 });
    api.tools.mention({ tweet_id: 0, mentioned_usernames: ["@a"] });
    api.tools.unfollow_user({ username_to_unfollow: "alice" });
    expect(api.publicState()).toMatchObject({ comments: { True: [{ username: "john", content: "c" }] }, retweets: { john: [0] } });
    api.restore(snap);
    expect(api.publicState()).toEqual(before);
  });
});
