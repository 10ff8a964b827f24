/**
 * The emoji people can react with and write as `:shortcode:`, one closed list shared by the server (a reaction
 * names one of these, anything else is `validation_failed`) and the web client (rendering and the picker).
 * Names are lowercase `[a-z0-9_]`, so they are safe in URLs, KV keys and logs; the glyph is what people see.
 * Order within a group is the picker's order. Adding an emoji is one line; removing one would orphan stored
 * reactions, so don't.
 */
export const EmojiGroups = {
  smileys: {
    grinning: '😀', smiley: '😃', smile: '😄', grin: '😁', laughing: '😆', sweat_smile: '😅', joy: '😂', rofl: '🤣',
    slightly_smiling_face: '🙂', upside_down_face: '🙃', wink: '😉', blush: '😊', innocent: '😇', heart_eyes: '😍',
    star_struck: '🤩', kissing_heart: '😘', yum: '😋', stuck_out_tongue: '😛', stuck_out_tongue_winking_eye: '😜',
    zany_face: '🤪', thinking: '🤔', shushing_face: '🤫', hand_over_mouth: '🤭', neutral_face: '😐',
    expressionless: '😑', no_mouth: '😶', smirk: '😏', unamused: '😒', roll_eyes: '🙄', grimacing: '😬',
    relieved: '😌', pensive: '😔', sleepy: '😪', sleeping: '😴', mask: '😷', nerd_face: '🤓', sunglasses: '😎',
    confused: '😕', worried: '😟', open_mouth: '😮', astonished: '😲', flushed: '😳', pleading_face: '🥺',
    cry: '😢', sob: '😭', scream: '😱', angry: '😠', rage: '😡', exploding_head: '🤯', partying_face: '🥳',
    skull: '💀', clown_face: '🤡', ghost: '👻', robot: '🤖', see_no_evil: '🙈',
  },
  people: {
    thumbsup: '👍', thumbsdown: '👎', ok_hand: '👌', wave: '👋', clap: '👏', raised_hands: '🙌', pray: '🙏',
    muscle: '💪', point_up: '☝️', point_right: '👉', v: '✌️', crossed_fingers: '🤞', handshake: '🤝',
    writing_hand: '✍️', eyes: '👀', brain: '🧠', facepalm: '🤦', shrug: '🤷', person_raising_hand: '🙋',
    man_dancing: '🕺', dancer: '💃',
  },
  hearts: {
    heart: '❤️', orange_heart: '🧡', yellow_heart: '💛', green_heart: '💚', blue_heart: '💙', purple_heart: '💜',
    black_heart: '🖤', broken_heart: '💔', sparkling_heart: '💖', two_hearts: '💕',
  },
  nature: {
    sunny: '☀️', cloud: '☁️', rainbow: '🌈', snowflake: '❄️', zap: '⚡', fire: '🔥', droplet: '💧', ocean: '🌊',
    seedling: '🌱', evergreen_tree: '🌲', cactus: '🌵', four_leaf_clover: '🍀', sunflower: '🌻', rose: '🌹',
    dog: '🐶', cat: '🐱', fox_face: '🦊', panda_face: '🐼', unicorn: '🦄', bee: '🐝', turtle: '🐢', octopus: '🐙',
  },
  food: {
    coffee: '☕', tea: '🍵', beer: '🍺', beers: '🍻', wine_glass: '🍷', pizza: '🍕', hamburger: '🍔', taco: '🌮',
    doughnut: '🍩', cookie: '🍪', cake: '🍰', birthday: '🎂', apple: '🍎', avocado: '🥑', popcorn: '🍿',
  },
  activities: {
    tada: '🎉', confetti_ball: '🎊', balloon: '🎈', gift: '🎁', trophy: '🏆', medal: '🏅', soccer: '⚽',
    basketball: '🏀', video_game: '🎮', dart: '🎯', art: '🎨', musical_note: '🎵', guitar: '🎸', rocket: '🚀',
    airplane: '✈️', car: '🚗', bike: '🚲',
  },
  objects: {
    bulb: '💡', computer: '💻', keyboard: '⌨️', phone: '📱', email: '📧', memo: '📝', pencil2: '✏️', books: '📚',
    calendar: '📅', pushpin: '📌', paperclip: '📎', link: '🔗', lock: '🔒', key: '🔑', hammer: '🔨', wrench: '🔧',
    gear: '⚙️', package: '📦', bell: '🔔', mag: '🔍', hourglass: '⌛', alarm_clock: '⏰', moneybag: '💰', chart: '📈',
    bug: '🐛',
  },
  symbols: {
    white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌', warning: '⚠️', no_entry: '⛔', question: '❓',
    exclamation: '❗', '100': '💯', sparkles: '✨', star: '⭐', boom: '💥', speech_balloon: '💬', thought_balloon: '💭',
    zzz: '💤', plus: '➕', minus: '➖', arrow_up: '⬆️', arrow_down: '⬇️', recycle: '♻️', new: '🆕', sos: '🆘',
    red_circle: '🔴', green_circle: '🟢', large_blue_circle: '🔵',
  },
} as const satisfies Record<string, Record<string, string>>;

export type EmojiGroup = keyof typeof EmojiGroups;

/** Every emoji by name (name -> glyph). */
export const Emoji: Readonly<Record<string, string>> = Object.freeze(Object.assign({}, ...Object.values(EmojiGroups)));

/** Every emoji name, in the picker's order. */
export const EmojiNames: readonly string[] = Object.freeze(Object.keys(Emoji));

export const isEmojiName = (name: string): boolean => Object.prototype.hasOwnProperty.call(Emoji, name);
