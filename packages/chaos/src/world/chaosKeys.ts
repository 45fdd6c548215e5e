/** The user key every client contends for. */
export const CHAOS_KEY = 'resource';

/** The key `multiSlot` acquires lock together with {@link CHAOS_KEY}: another Cluster slot, on another master. */
export const CHAOS_OTHER_KEY = 'other';
