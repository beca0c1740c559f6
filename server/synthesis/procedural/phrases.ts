// One phrase template per BFCL tool (all 128): how a user asks for the call in plain words. `v` holds each
// argument already rendered (a quoted literal, or for ids a noun phrase such as "booking '123'" / "that
// booking"); `a` the raw arguments, for words chosen by value; `r` the call's result, for the few phrases that
// depend on what the call did. Templates never contain a tool name or a parameter identifier.
type V = Record<string, string>;
type A = Record<string, unknown>;
export type Phrase = (v: V, a: A, r: string) => string;

const an = (word: unknown) => `${/^[aeiou]/i.test(String(word)) ? "an" : "a"} ${String(word)}`;
const opt = (cond: unknown, text: string) => (cond !== undefined && cond !== null ? text : "");
const into = (r: string, a: A) => r.includes(`' to '${String(a.destination)}/`);
const token = (v: V) => ` using ${v.access_token}`;
const DOOR_WORDS: Record<string, string> = { driver: "driver", passenger: "passenger", rear_left: "rear left", rear_right: "rear right" };
const STATUS_WORDS: Record<string, string> = {
  fuel: "fuel level", battery: "battery", doors: "door", climate: "climate", headlights: "headlight",
  parkingBrake: "parking brake", brakePedal: "brake pedal", engine: "engine",
};

function words(list: string[]): string {
  return list.length <= 1 ? list.join("") : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}

export const PHRASES: Readonly<Record<string, Phrase>> = {
  // GorillaFileSystem
  cat: (v) => `show me what's inside ${v.file_name}`,
  cd: (v, a) => (a.folder === ".." ? "go back up to the parent folder" : `go into ${v.folder}`),
  cp: (v, a, r) => (into(r, a) ? `put a copy of ${v.source} into ${v.destination}` : `duplicate ${v.source} under the name ${v.destination}`),
  diff: (v) => `compare ${v.file_name1} with ${v.file_name2} line by line`,
  du: (_v, a) => `tell me how much disk space the current folder uses${a.human_readable ? ", in a human-readable format" : ""}`,
  echo: (v, a) => (a.file_name !== undefined ? `write ${v.content} into ${v.file_name}` : `print ${v.content} to the terminal`),
  find: (v, a) => (a.name !== undefined ? `look for items whose names contain ${v.name}${a.path === "." ? ", starting from the current folder" : ""}` : "list every item below the current folder"),
  grep: (v) => `search ${v.file_name} for lines containing ${v.pattern}`,
  ls: (_v, a) => `list what's in the current folder${a.a ? ", hidden items included" : ""}`,
  mkdir: (v) => `create a new folder called ${v.dir_name}`,
  mv: (v, a, r) => (into(r, a) ? `move ${v.source} into ${v.destination}` : `rename ${v.source} to ${v.destination}`),
  pwd: () => "tell me which folder we're in right now",
  rm: (v) => `delete ${v.file_name}`,
  rmdir: (v) => `remove the empty folder ${v.dir_name}`,
  sort: (v) => `arrange the lines of ${v.file_name} in alphabetical order`,
  tail: (v, a) => `show me the last ${a.lines !== undefined ? `${v.lines} ` : ""}lines of ${v.file_name}`,
  touch: (v) => `create an empty file named ${v.file_name}`,
  wc: (v, a) => `count the ${a.mode === "w" ? "words" : a.mode === "c" ? "characters" : "lines"} in ${v.file_name}`,

  // MathAPI
  absolute_value: (v) => `get the absolute value of ${v.number}`,
  add: (v) => `work out ${v.a} plus ${v.b}`,
  divide: (v) => `work out ${v.a} divided by ${v.b}`,
  imperial_si_conversion: (v) => `convert ${v.value} from ${v.unit_in} to ${v.unit_out}`,
  logarithm: (v) => `compute the log of ${v.value} in base ${v.base}, with ${v.precision} digits of precision`,
  max_value: (v) => `tell me the largest of ${v.numbers}`,
  mean: (v) => `work out the average of ${v.numbers}`,
  min_value: (v) => `tell me the smallest of ${v.numbers}`,
  multiply: (v) => `work out ${v.a} times ${v.b}`,
  percentage: (v) => `tell me what percent ${v.part} is of ${v.whole}`,
  power: (v) => `raise ${v.base} to the exponent ${v.exponent}`,
  round_number: (v, a) => (a.decimal_places !== undefined ? `round ${v.number} to ${v.decimal_places} decimal places` : `round ${v.number} to a whole number`),
  si_unit_conversion: (v) => `convert ${v.value} from ${v.unit_in} to ${v.unit_out}`,
  square_root: (v) => `take the square root of ${v.number} with ${v.precision} digits of precision`,
  standard_deviation: (v) => `compute the standard deviation of ${v.numbers}`,
  subtract: (v) => `work out ${v.a} minus ${v.b}`,
  sum_values: (v) => `total up ${v.numbers}`,

  // MessageAPI
  add_contact: (v) => `save ${v.user_name} as a new contact`,
  delete_message: (v) => `delete the latest message I sent to ${v.receiver_id}`,
  get_message_stats: () => "give me my messaging statistics",
  get_user_id: (v) => `look up the user ID of ${v.user}`,
  list_users: () => "list all the users in the workspace",
  message_get_login_status: () => "check whether I'm logged in to the messaging app",
  message_login: (v) => `log me in to the messaging app as ${v.user_id}`,
  search_messages: (v) => `search my messages for ${v.keyword}`,
  send_message: (v) => `send ${v.message} to ${v.receiver_id}`,
  view_messages_sent: () => "show me all the messages I've sent",

  // TwitterAPI
  authenticate_twitter: (v) => `sign in to my social media account with username ${v.username} and password ${v.password}`,
  comment: (v) => `reply to ${v.tweet_id} with ${v.comment_content}`,
  follow_user: (v) => `follow ${v.username_to_follow}`,
  get_tweet: (v) => `pull up ${v.tweet_id}`,
  get_tweet_comments: (v) => `show me the replies on ${v.tweet_id}`,
  get_user_stats: (v) => `get the account statistics for ${v.username}`,
  get_user_tweets: (v) => `list every tweet by ${v.username}`,
  list_all_following: () => "list everyone I follow",
  mention: (v) => `tag ${v.mentioned_usernames} on ${v.tweet_id}`,
  post_tweet: (v, a) => `publish a tweet saying ${v.content}${opt(a.tags, ` with the hashtags ${v.tags}`)}${opt(a.mentions, ` and tagging ${v.mentions}`)}`,
  posting_get_login_status: () => "check whether I'm signed in to my social media account",
  retweet: (v) => `share ${v.tweet_id} again on my profile`,
  search_tweets: (v) => `search tweets for ${v.keyword}`,
  unfollow_user: (v) => `stop following ${v.username_to_unfollow}`,

  // TicketAPI
  close_ticket: (v) => `close ${v.ticket_id}`,
  create_ticket: (v, a) => `open a support ticket titled ${v.title}${opt(a.description, `, described as ${v.description}`)}${opt(a.priority, `, with priority ${v.priority}`)}`,
  edit_ticket: (v, a) => {
    const u = (a.updates ?? {}) as A;
    const parts = Object.keys(u).map((k) => `its ${k} is ${v[`updates.${k}`]}`);
    return `update ${v.ticket_id} so that ${words(parts)}`;
  },
  get_ticket: (v) => `show me the details of ${v.ticket_id}`,
  get_user_tickets: (v, a) => (a.status !== undefined ? `list my tickets with status ${v.status}` : "list all my tickets"),
  logout: () => "sign me out of the ticketing system",
  resolve_ticket: (v) => `mark ${v.ticket_id} as resolved with the note ${v.resolution}`,
  ticket_get_login_status: () => "check whether I'm logged in to the ticketing system",
  ticket_login: (v) => `log me in to the ticketing system with username ${v.username} and password ${v.password}`,

  // TradingBot
  add_to_watchlist: (v) => `put ${v.stock} on my watchlist`,
  cancel_order: (v) => `cancel ${v.order_id}`,
  filter_stocks_by_price: (v) => `from ${v.stocks}, keep only the stocks priced between ${v.min_price} and ${v.max_price}`,
  fund_account: (v) => `deposit ${v.amount} into my trading account`,
  get_account_info: () => "show me my trading account details",
  get_available_stocks: (v) => `list the stocks in ${v.sector}`,
  get_current_time: () => "tell me the current market time",
  get_order_details: (v) => `show me the details of ${v.order_id}`,
  get_order_history: () => "show me my order history",
  get_stock_info: (v) => `get the latest information on ${v.symbol}`,
  get_symbol_by_name: (v) => `look up the ticker symbol for ${v.name}`,
  get_transaction_history: (v, a) =>
    a.start_date === undefined && a.end_date === undefined
      ? "show my full transaction history"
      : `show my transaction history${opt(a.start_date, ` from ${v.start_date}`)}${opt(a.end_date, ` up to ${v.end_date}`)}`,
  get_watchlist: () => "show me my watchlist",
  notify_price_change: (v) => `check whether any of ${v.stocks} moved by at least ${v.threshold} percent`,
  place_order: (v, a) => `place ${an(a.order_type)} order for ${v.amount} shares of ${v.symbol} at ${v.price} each`,
  remove_stock_from_watchlist: (v) => `take ${v.symbol} off my watchlist`,
  trading_get_login_status: () => "check whether I'm logged in to my trading account",
  trading_login: (v) => `log in to my trading account with username ${v.username} and password ${v.password}`,
  trading_logout: () => "sign me out of my trading account",
  withdraw_funds: (v) => `withdraw ${v.amount} from my trading account`,

  // TravelAPI
  authenticate_travel: (v) =>
    `authenticate me with the travel system (client ID ${v.client_id}, client secret ${v.client_secret}, refresh token ${v.refresh_token}, access scope ${v.grant_type}) under the name ${v.user_first_name} ${v.user_last_name}`,
  book_flight: (v, a) => `book ${an(a.travel_class)} class flight from ${v.travel_from} to ${v.travel_to} on ${v.travel_date}, charged to ${v.card_id},${token(v)}`,
  cancel_booking: (v) => `cancel ${v.booking_id}${token(v)}`,
  compute_exchange_rate: (v) => `convert ${v.value} from ${v.base_currency} to ${v.target_currency}`,
  contact_customer_support: (v) => `contact customer support about ${v.booking_id} with the message ${v.message}`,
  get_all_credit_cards: () => "list all my registered credit cards",
  get_booking_history: (v) => `show my booking history${token(v)}`,
  get_budget_fiscal_year: (v, a) =>
    `tell me the budget fiscal year${opt(a.lastModifiedAfter, `, counting changes after ${v.lastModifiedAfter}`)}${opt(a.includeRemoved, `, removed items: ${v.includeRemoved}`)}`,
  get_credit_card_balance: (v) => `check the balance of ${v.card_id}${token(v)}`,
  get_flight_cost: (v, a) => `tell me how much ${an(a.travel_class)} class flight from ${v.travel_from} to ${v.travel_to} on ${v.travel_date} costs`,
  get_nearest_airport_by_city: (v) => `tell me the nearest airport to ${v.location}`,
  list_all_airports: () => "list all available airports",
  purchase_insurance: (v) => `buy ${v.insurance_type} insurance costing ${v.insurance_cost} for ${v.booking_id}, paid with ${v.card_id},${token(v)}`,
  register_credit_card: (v) =>
    `register my credit card ${v.card_number}, expiring ${v.expiration_date}, in the name of ${v.cardholder_name}, security code ${v.card_verification_number},${token(v)}`,
  retrieve_invoice: (v, a) => `get the invoice${opt(a.booking_id, ` for ${v.booking_id}`)}${opt(a.insurance_id, ` covering ${v.insurance_id}`)}${token(v)}`,
  set_budget_limit: (v) => `set my travel budget limit to ${v.budget_limit}${token(v)}`,
  travel_get_login_status: () => "check whether I'm logged in to the travel system",
  verify_traveler_information: (v) => `verify the traveler ${v.first_name} ${v.last_name}, born ${v.date_of_birth}, passport number ${v.passport_number}`,

  // VehicleControlAPI
  activateParkingBrake: (_v, a) => (a.mode === "engage" ? "engage the parking brake" : "release the parking brake"),
  adjustClimateControl: (v, a) =>
    `set the climate control to ${v.temperature} degrees ${a.unit === "fahrenheit" ? "Fahrenheit" : "Celsius"}${opt(a.fanSpeed, ` with the fan at ${v.fanSpeed}`)}${opt(a.mode, ` in ${String(a.mode)} mode`)}`,
  check_tire_pressure: () => "check the tire pressure",
  displayCarStatus: (_v, a) => `show me the ${STATUS_WORDS[String(a.option)] ?? "overall"} status`,
  display_log: (v) => `show these messages on the dashboard log: ${v.messages}`,
  estimate_distance: (v) => `estimate the distance between zip codes ${v.cityA} and ${v.cityB}`,
  estimate_drive_feasibility_by_mileage: (v) => `tell me whether the car can cover ${v.distance} miles on its current fuel`,
  fillFuelTank: (v) => `put ${v.fuelAmount} gallons of fuel in the tank`,
  find_nearest_tire_shop: () => "locate the nearest tire shop",
  gallon_to_liter: (v) => `convert ${v.gallon} gallons to liters`,
  get_current_speed: () => "tell me the current speed",
  get_outside_temperature_from_google: () => "check the outside temperature",
  get_outside_temperature_from_weather_com: () => "check the outside temperature with the weather service",
  get_zipcode_based_on_city: (v) => `look up the zip code of ${v.city}`,
  liter_to_gallon: (v) => `convert ${v.liter} liters to gallons`,
  lockDoors: (_v, a) => {
    const doors = (Array.isArray(a.door) ? a.door : []).map((d) => DOOR_WORDS[String(d)] ?? String(d));
    return `${a.unlock ? "unlock" : "lock"} the ${words(doors)} door${doors.length === 1 ? "" : "s"}`;
  },
  pressBrakePedal: (v) => `press the brake pedal to position ${v.pedalPosition}`,
  releaseBrakePedal: () => "release the brake pedal",
  setCruiseControl: (v, a) =>
    a.activate ? `turn on cruise control at ${v.speed} mph, keeping ${v.distanceToNextVehicle} meters from the next vehicle` : `turn off cruise control (speed ${v.speed}, distance ${v.distanceToNextVehicle})`,
  setHeadlights: (_v, a) => (a.mode === "auto" ? "set the headlights to automatic" : `switch the headlights ${String(a.mode)}`),
  set_navigation: (v) => `set the navigation to ${v.destination}`,
  startEngine: (_v, a) => (a.ignitionMode === "STOP" ? "stop the engine" : "start the engine"),
};
