// TicketAPI: a queue of support tickets (plain dicts), a ticket counter and a logged-in user.
// Behaviour inferred from the reference traces: tickets are looked up with ticket["id"] == ticket_id in queue
// order (a config ticket without "id" raises KeyError once reached), any non-empty username and password log
// in, and long-context mode changes nothing for this class.
import { PyException, type BfclApiClass, type PyValue } from "../api-class";
import { classTable, defaultState } from "../data";
import { pyStr } from "../py-format";
import { canonicalValue, configValue, copyValue, pyContains, pyEq, pyGetItem, pyIterate, pyLessThan, pyLower, pyTruthy, pyTypeName } from "./py-semantics";

type Ticket = Record<string, unknown>;

interface TicketState {
  ticketQueue: Ticket[];
  ticketCounter: number;
  currentUser: unknown;
}

let validFieldsCache: readonly unknown[] | undefined;
function validFields(): readonly unknown[] {
  validFieldsCache ??= classTable("ticket_api:TicketAPI.edit_ticket:valid_fields") as readonly unknown[];
  return validFieldsCache;
}

function notFound(ticketId: unknown): { error: string } {
  return { error: `Ticket with ID ${pyStr(ticketId)} not found.` };
}

function loadState(config: Record<string, unknown>): TicketState {
  const d = defaultState("TicketAPI");
  return {
    ticketQueue: copyValue(configValue(config, "ticket_queue", d.ticket_queue) as Ticket[]),
    ticketCounter: configValue(config, "ticket_counter", d.ticket_counter) as number,
    currentUser: copyValue(configValue(config, "current_user", d.current_user)),
  };
}

function copyState(s: TicketState): TicketState {
  return { ticketQueue: copyValue(s.ticketQueue), ticketCounter: s.ticketCounter, currentUser: copyValue(s.currentUser) };
}

/** Python dict.items() on the `updates` argument. */
function dictItems(v: unknown): [string, unknown][] {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) return Object.entries(v as Record<string, unknown>);
  throw new PyException("AttributeError", `'${pyTypeName(v)}' object has no attribute 'items'`);
}

export function createTicketAPI(): BfclApiClass {
  let s = loadState({});

  const findTicket = (ticketId: unknown): Ticket | undefined => s.ticketQueue.find((t) => pyEq(pyGetItem(t, "id"), ticketId));

  const tools: Record<string, (args: Record<string, unknown>) => PyValue> = {
    create_ticket: (args) => {
      if (!pyTruthy(s.currentUser)) return { error: "User not authenticated. Please log in to create a ticket." };
      const description = "description" in args ? args.description : "";
      const priority = "priority" in args ? args.priority : 1;
      // Never reached in the traces; the wording is our own.
      if (pyLessThan(priority, 1) || pyLessThan(5, priority)) return { error: "Invalid priority. Priority must be between 1 and 5." };
      const ticket: Ticket = {
        id: s.ticketCounter,
        title: copyValue(args.title),
        description: copyValue(description),
        status: "Open",
        priority: copyValue(priority),
        created_by: s.currentUser,
      };
      s.ticketQueue.push(ticket);
      s.ticketCounter += 1;
      return ticket;
    },

    get_ticket: ({ ticket_id }) => findTicket(ticket_id) ?? notFound(ticket_id),

    close_ticket: ({ ticket_id }) => {
      const ticket = findTicket(ticket_id);
      if (!ticket) return notFound(ticket_id);
      if (pyEq(pyGetItem(ticket, "status"), "Closed")) return { error: `Ticket with ID ${pyStr(ticket_id)} is already closed.` };
      ticket.status = "Closed";
      return { status: `Ticket ${pyStr(ticket_id)} has been closed successfully.` };
    },

    resolve_ticket: ({ ticket_id, resolution }) => {
      const ticket = findTicket(ticket_id);
      if (!ticket) return notFound(ticket_id);
      if (pyEq(pyGetItem(ticket, "status"), "Resolved")) return { error: `Ticket with ID ${pyStr(ticket_id)} is already resolved.` };
      ticket.status = "Resolved";
      ticket.resolution = copyValue(resolution);
      return { status: `Ticket ${pyStr(ticket_id)} has been resolved successfully.` };
    },

    edit_ticket: ({ ticket_id, updates }) => {
      const ticket = findTicket(ticket_id);
      if (!ticket) return notFound(ticket_id);
      const invalid = pyIterate(updates).filter((field) => !pyContains(validFields(), field));
      if (invalid.length > 0) {
        const bad = invalid.find((f) => typeof f !== "string");
        if (bad !== undefined) throw new PyException("TypeError", `sequence item 0: expected str instance, ${pyTypeName(bad)} found`);
        return { error: `Invalid fields for update: ${invalid.join(", ")}` };
      }
      for (const [field, value] of dictItems(updates)) ticket[field] = copyValue(value);
      return { status: `Ticket ${pyStr(ticket_id)} has been updated successfully.` };
    },

    get_user_tickets: (args) => {
      if (!pyTruthy(s.currentUser)) return [{ error: "User not authenticated. Please log in to view tickets." }];
      const status = "status" in args ? args.status : null;
      return s.ticketQueue.filter(
        (t) =>
          pyEq(pyGetItem(t, "created_by"), s.currentUser) &&
          (status === null || pyLower(pyGetItem(t, "status")) === pyLower(status)),
      );
    },

    ticket_login: ({ username, password }) => {
      if (pyTruthy(username) && pyTruthy(password)) {
        s.currentUser = copyValue(username);
        return { success: true };
      }
      return { success: false };
    },

    ticket_get_login_status: () => ({ login_status: pyTruthy(s.currentUser) }),

    logout: () => {
      if (!pyTruthy(s.currentUser)) return { success: false };
      s.currentUser = null;
      return { success: true };
    },
  };

  return {
    className: "TicketAPI",
    tools,
    loadScenario(config) {
      s = loadState(config);
    },
    publicState() {
      return {
        ticket_queue: canonicalValue(s.ticketQueue),
        ticket_counter: s.ticketCounter,
        current_user: canonicalValue(s.currentUser),
      };
    },
    snapshot() {
      return copyState(s);
    },
    restore(snapshot) {
      s = copyState(snapshot as TicketState);
    },
  };
}
