/**
 * A booking's new length, as the calendar offers it: whole 5-minute steps, from 5 minutes to
 * 12 hours (the server's bounds), never past the day. Pure, so the drag and the buttons agree.
 */

/** Drags of the bottom edge snap to this. */
export const RESIZE_STEP_MINUTES = 5;
/** The buttons in the booking's panel change the length by this. */
export const RESIZE_BUTTON_MINUTES = 15;
const MIN_MINUTES = 5;
const MAX_MINUTES = 12 * 60;

/** The end minute for a wanted end, kept between the shortest and longest booking and `limit` (the grid's or the day's end). */
export function resizedEnd(start: number, wanted: number, limit = 1440): number {
  return Math.max(start + MIN_MINUTES, Math.min(wanted, start + MAX_MINUTES, limit));
}
