/** How often a callback message is tried; a leaf module, so the words about attempts need nothing else. */
export const CALLBACK_MAX_ATTEMPTS = 5
