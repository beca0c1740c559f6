// MessageAPI: users of a workspace, login, and an inbox of {receiver_id: message} entries.
// Behaviour inferred from the reference traces: only the first key of each inbox entry counts (entries loaded
// from a config may hold several), message ids come from random.Random(200191).randint(10000, 99999),
// drawn only when a message is actually sent, and long-context mode changes nothing for this class.
import { PyException, type BfclApiClass, type PyValue } from "../api-class";
import { defaultState } from "../data";
import { pyStr } from "../py-format";
import { PyRandom, type PyRandomSnapshot } from "../py-random";
import { PyDict, canonicalValue, configValue, copyValue, pyContains, pyLower, pyTruthy } from "./py-semantics";

const DEFAULT_SEED = 200191;
const NOT_LOGGED_IN = { error: "No user is currently logged in." };

type InboxEntry = Record<string, unknown>;

interface MessageState {
  generatedIds: Set<number>;
  userCount: number;
  userMap: PyDict<unknown>;
  inbox: InboxEntry[];
  messageCount: number;
  currentUser: unknown;
  random: PyRandom;
}

interface MessageSnapshot {
  generatedIds: number[];
  userCount: number;
  userMap: PyDict<unknown>;
  inbox: InboxEntry[];
  messageCount: number;
  currentUser: unknown;
  random: PyRandomSnapshot;
}

function firstItem(entry: InboxEntry): [string, unknown] {
  for (const k in entry) return [k, entry[k]];
  throw new PyException("IndexError", "list index out of range");
}

function loadState(config: Record<string, unknown>): MessageState {
  const d = defaultState("MessageAPI");
  const userMap = configValue(config, "user_map", d.user_map) as Record<string, unknown>;
  const seed = configValue(config, "random_seed", DEFAULT_SEED) as number;
  return {
    generatedIds: new Set(configValue(config, "generated_ids", d.generated_ids) as number[]),
    userCount: configValue(config, "user_count", d.user_count) as number,
    userMap: PyDict.fromEntries(Object.entries(copyValue(userMap))),
    inbox: copyValue(configValue(config, "inbox", d.inbox) as InboxEntry[]),
    messageCount: configValue(config, "message_count", d.message_count) as number,
    currentUser: copyValue(configValue(config, "current_user", d.current_user)),
    random: new PyRandom(seed),
  };
}

export function createMessageAPI(): BfclApiClass {
  let s = loadState({});

  const isKnownUserId = (id: unknown) => pyContains(s.userMap.values(), id);

  const generateId = (): { new_id: number } => {
    let id = s.random.randint(10000, 99999);
    while (s.generatedIds.has(id)) id = s.random.randint(10000, 99999);
    s.generatedIds.add(id);
    return { new_id: id };
  };

  const tools: Record<string, (args: Record<string, unknown>) => PyValue> = {
    list_users: () => ({ user_list: s.userMap.keys() }),

    get_user_id: ({ user }) => {
      if (!s.userMap.has(user)) return { error: `User '${pyStr(user)}' not found in the workspace.` };
      return { user_id: s.userMap.get(user) };
    },

    message_login: ({ user_id }) => {
      if (!isKnownUserId(user_id)) return { login_status: false, message: `User ID '${pyStr(user_id)}' not found.` };
      s.currentUser = user_id;
      return { login_status: true, message: `User '${pyStr(user_id)}' logged in successfully.` };
    },

    message_get_login_status: () => ({ login_status: pyTruthy(s.currentUser) }),

    send_message: ({ receiver_id, message }) => {
      if (!pyTruthy(s.currentUser)) return NOT_LOGGED_IN;
      if (!isKnownUserId(receiver_id)) return { error: `Receiver ID '${pyStr(receiver_id)}' not found.` };
      const messageId = generateId();
      // receiver_id equals a user id, and user ids are strings, so it is a valid object key.
      s.inbox.push({ [receiver_id as string]: message });
      s.messageCount += 1;
      return { sent_status: true, message_id: messageId, message: `Message sent to '${pyStr(receiver_id)}' successfully.` };
    },

    delete_message: ({ receiver_id }) => {
      if (!pyTruthy(s.currentUser)) return NOT_LOGGED_IN;
      for (let i = s.inbox.length - 1; i >= 0; i--) {
        if (firstItem(s.inbox[i])[0] === receiver_id) {
          s.inbox.splice(i, 1);
          return {
            deleted_status: true,
            receiver_id,
            message: `Receiver ${pyStr(receiver_id)}'s latest message deleted successfully.`,
          };
        }
      }
      return { error: `Receiver ID ${pyStr(receiver_id)} not found.` };
    },

    view_messages_sent: () => {
      if (!pyTruthy(s.currentUser)) return NOT_LOGGED_IN;
      // A Map keeps receivers in first-seen order even when an id looks like an integer.
      const messages = new Map<string, unknown[]>();
      for (const entry of s.inbox) {
        const [receiver, content] = firstItem(entry);
        const list = messages.get(receiver);
        if (list) list.push(content);
        else messages.set(receiver, [content]);
      }
      return { messages };
    },

    add_contact: ({ user_name }) => {
      if (s.userMap.has(user_name)) return { error: `User name '${pyStr(user_name)}' already exists.` };
      s.userCount += 1;
      const userId = `USR${String(s.userCount).padStart(3, "0")}`;
      if (isKnownUserId(userId)) return { error: `User ID '${userId}' already exists.` };
      s.userMap.set(user_name, userId);
      return { added_status: true, user_id: userId, message: `Contact '${pyStr(user_name)}' added successfully.` };
    },

    search_messages: ({ keyword }) => {
      if (!pyTruthy(s.currentUser)) return NOT_LOGGED_IN;
      const results: { receiver_id: string; message: unknown }[] = [];
      for (const entry of s.inbox) {
        const [receiver, content] = firstItem(entry);
        const needle = pyLower(keyword); // evaluated before the content, as in `keyword.lower() in content.lower()`
        if (pyLower(content).includes(needle)) results.push({ receiver_id: receiver, message: content });
      }
      return { results };
    },

    get_message_stats: () => {
      if (!pyTruthy(s.currentUser)) return NOT_LOGGED_IN;
      const contacts = new Set<string>();
      for (const entry of s.inbox) contacts.add(firstItem(entry)[0]);
      return { stats: { received_count: s.inbox.length, total_contacts: contacts.size } };
    },
  };

  return {
    className: "MessageAPI",
    tools,
    loadScenario(config) {
      s = loadState(config);
    },
    publicState() {
      return {
        generated_ids: [...s.generatedIds].sort((a, b) => a - b),
        user_count: s.userCount,
        user_map: canonicalValue(s.userMap),
        inbox: canonicalValue(s.inbox),
        message_count: s.messageCount,
        current_user: canonicalValue(s.currentUser),
      };
    },
    snapshot(): MessageSnapshot {
      return {
        generatedIds: [...s.generatedIds],
        userCount: s.userCount,
        userMap: s.userMap.clone(copyValue),
        inbox: copyValue(s.inbox),
        messageCount: s.messageCount,
        currentUser: copyValue(s.currentUser),
        random: s.random.getState(),
      };
    },
    restore(snapshot) {
      const snap = snapshot as MessageSnapshot;
      const random = new PyRandom(0);
      random.setState(snap.random);
      s = {
        generatedIds: new Set(snap.generatedIds),
        userCount: snap.userCount,
        userMap: snap.userMap.clone(copyValue),
        inbox: copyValue(snap.inbox),
        messageCount: snap.messageCount,
        currentUser: copyValue(snap.currentUser),
        random,
      };
    },
  };
}
