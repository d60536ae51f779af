/**
 * @module emoji
 * A small table of emoji by their Mattermost names (`+1`, `white_check_mark`,
 * `eyes`, …), for reactions: the name is what the API stores
 * (`emoji_name`), the character is what the UI shows. Deliberately the common
 * ones only, not a full emoji package; a name not listed is shown as
 * `:name:` and still counts as a reaction.
 *
 * @example emojiFor("+1")?.unicode // "👍"
 */

/** One emoji: its Mattermost name, the character, and other names it is known by. */
export interface Emoji {
  name: string;
  unicode: string;
  aliases?: readonly string[];
}

/** The emoji, most used in incident work first (the picker shows them in this order). */
export const EMOJI: readonly Emoji[] = [
  { name: "+1", unicode: "👍", aliases: ["thumbsup"] },
  { name: "-1", unicode: "👎", aliases: ["thumbsdown"] },
  { name: "white_check_mark", unicode: "✅" },
  { name: "eyes", unicode: "👀" },
  { name: "heart", unicode: "❤️" },
  { name: "tada", unicode: "🎉" },
  { name: "fire", unicode: "🔥" },
  { name: "rocket", unicode: "🚀" },
  { name: "warning", unicode: "⚠️" },
  { name: "x", unicode: "❌" },
  { name: "raised_hands", unicode: "🙌" },
  { name: "pray", unicode: "🙏" },
  { name: "clap", unicode: "👏" },
  { name: "100", unicode: "💯" },
  { name: "thinking_face", unicode: "🤔", aliases: ["thinking"] },
  { name: "rotating_light", unicode: "🚨" },
  { name: "heavy_check_mark", unicode: "✔️" },
  { name: "joy", unicode: "😂" },
  { name: "slightly_smiling_face", unicode: "🙂" },
  { name: "smile", unicode: "😄" },
  { name: "grinning", unicode: "😀" },
  { name: "laughing", unicode: "😆", aliases: ["satisfied"] },
  { name: "rolling_on_the_floor_laughing", unicode: "🤣", aliases: ["rofl"] },
  { name: "wink", unicode: "😉" },
  { name: "sweat_smile", unicode: "😅" },
  { name: "heart_eyes", unicode: "😍" },
  { name: "sunglasses", unicode: "😎" },
  { name: "hugging_face", unicode: "🤗", aliases: ["hugs"] },
  { name: "partying_face", unicode: "🥳" },
  { name: "nerd_face", unicode: "🤓" },
  { name: "upside_down_face", unicode: "🙃" },
  { name: "stuck_out_tongue", unicode: "😛" },
  { name: "neutral_face", unicode: "😐" },
  { name: "zipper_mouth_face", unicode: "🤐" },
  { name: "confused", unicode: "😕" },
  { name: "slightly_frowning_face", unicode: "🙁" },
  { name: "grimacing", unicode: "😬" },
  { name: "sweat", unicode: "😓" },
  { name: "disappointed", unicode: "😞" },
  { name: "worried", unicode: "😟" },
  { name: "cry", unicode: "😢" },
  { name: "sob", unicode: "😭" },
  { name: "scream", unicode: "😱" },
  { name: "exploding_head", unicode: "🤯" },
  { name: "rage", unicode: "😡" },
  { name: "sleeping", unicode: "😴" },
  { name: "skull", unicode: "💀" },
  { name: "ghost", unicode: "👻" },
  { name: "robot_face", unicode: "🤖", aliases: ["robot"] },
  { name: "see_no_evil", unicode: "🙈" },
  { name: "face_palm", unicode: "🤦", aliases: ["facepalm"] },
  { name: "shrug", unicode: "🤷" },
  { name: "ok_hand", unicode: "👌" },
  { name: "wave", unicode: "👋" },
  { name: "muscle", unicode: "💪" },
  { name: "handshake", unicode: "🤝" },
  { name: "point_up", unicode: "☝️" },
  { name: "point_right", unicode: "👉" },
  { name: "bulb", unicode: "💡" },
  { name: "bug", unicode: "🐛" },
  { name: "boom", unicode: "💥" },
  { name: "zap", unicode: "⚡" },
  { name: "construction", unicode: "🚧" },
  { name: "no_entry", unicode: "⛔" },
  { name: "no_entry_sign", unicode: "🚫" },
  { name: "sos", unicode: "🆘" },
  { name: "ambulance", unicode: "🚑" },
  { name: "fire_engine", unicode: "🚒" },
  { name: "police_car", unicode: "🚓" },
  { name: "shield", unicode: "🛡️" },
  { name: "question", unicode: "❓" },
  { name: "exclamation", unicode: "❗", aliases: ["heavy_exclamation_mark"] },
  { name: "hourglass", unicode: "⌛" },
  { name: "hourglass_flowing_sand", unicode: "⏳" },
  { name: "stopwatch", unicode: "⏱️" },
  { name: "alarm_clock", unicode: "⏰" },
  { name: "calendar", unicode: "📆" },
  { name: "mag", unicode: "🔍" },
  { name: "lock", unicode: "🔒" },
  { name: "unlock", unicode: "🔓" },
  { name: "key", unicode: "🔑" },
  { name: "wrench", unicode: "🔧" },
  { name: "hammer", unicode: "🔨" },
  { name: "hammer_and_wrench", unicode: "🛠️" },
  { name: "gear", unicode: "⚙️" },
  { name: "chart_with_upwards_trend", unicode: "📈" },
  { name: "chart_with_downwards_trend", unicode: "📉" },
  { name: "bar_chart", unicode: "📊" },
  { name: "memo", unicode: "📝", aliases: ["pencil"] },
  { name: "clipboard", unicode: "📋" },
  { name: "pushpin", unicode: "📌" },
  { name: "paperclip", unicode: "📎" },
  { name: "link", unicode: "🔗" },
  { name: "package", unicode: "📦" },
  { name: "computer", unicode: "💻" },
  { name: "floppy_disk", unicode: "💾" },
  { name: "email", unicode: "✉️", aliases: ["envelope"] },
  { name: "bell", unicode: "🔔" },
  { name: "no_bell", unicode: "🔕" },
  { name: "mega", unicode: "📣" },
  { name: "speech_balloon", unicode: "💬" },
  { name: "arrows_counterclockwise", unicode: "🔄" },
  { name: "arrow_up", unicode: "⬆️" },
  { name: "arrow_down", unicode: "⬇️" },
  { name: "dart", unicode: "🎯" },
  { name: "checkered_flag", unicode: "🏁" },
  { name: "triangular_flag_on_post", unicode: "🚩" },
  { name: "red_circle", unicode: "🔴" },
  { name: "large_blue_circle", unicode: "🔵" },
  { name: "white_circle", unicode: "⚪" },
  { name: "star", unicode: "⭐" },
  { name: "sparkles", unicode: "✨" },
  { name: "trophy", unicode: "🏆" },
  { name: "gift", unicode: "🎁" },
  { name: "green_heart", unicode: "💚" },
  { name: "blue_heart", unicode: "💙" },
  { name: "broken_heart", unicode: "💔" },
  { name: "sunny", unicode: "☀️" },
  { name: "cloud", unicode: "☁️" },
  { name: "umbrella", unicode: "☔" },
  { name: "snowflake", unicode: "❄️" },
  { name: "rainbow", unicode: "🌈" },
  { name: "coffee", unicode: "☕" },
  { name: "pizza", unicode: "🍕" },
  { name: "cake", unicode: "🍰" },
  { name: "beers", unicode: "🍻" },
];

/** How many of {@link EMOJI} the picker shows before anything is typed. */
export const COMMON_EMOJI_COUNT = 24;

const byName = new Map<string, Emoji>();
for (const emoji of EMOJI) {
  byName.set(emoji.name, emoji);
  for (const alias of emoji.aliases ?? []) byName.set(alias, emoji);
}

/**
 * The emoji a name stands for (its own name or an alias, e.g. `thumbsup`), or
 * undefined for a name the table does not list.
 */
export function emojiFor(name: string): Emoji | undefined {
  return byName.get(name);
}

/**
 * Emoji whose name or an alias contains `query` (case-insensitive, `:` and
 * spaces ignored): those that start with it first, each in table order. An
 * empty query gives the common ones.
 *
 * @example emojiMatching("che").map((e) => e.name) // ["white_check_mark", "heavy_check_mark", "checkered_flag"]
 */
export function emojiMatching(query: string): Emoji[] {
  const needle = query.toLowerCase().replace(/[:\s]/g, "");
  if (!needle) return EMOJI.slice(0, COMMON_EMOJI_COUNT);
  const names = (emoji: Emoji) => [emoji.name, ...(emoji.aliases ?? [])];
  // A word of the name starting with the query ranks with the name itself: "check" finds white_check_mark early.
  const startsAWord = (emoji: Emoji) => names(emoji).some((n) => n.startsWith(needle) || n.split("_").some((w) => w.startsWith(needle)));
  const contains = (emoji: Emoji) => names(emoji).some((n) => n.includes(needle));
  const first = EMOJI.filter(startsAWord);
  return [...first, ...EMOJI.filter((e) => !first.includes(e) && contains(e))];
}
