// A status line sentence that, like a where-note, gets the room of the model words on a narrow
// terminal (StatusBar compacts the bar for the last note), so it is not cut to "Copied to Ar…".
import type { ControllerContext } from './controller-context.js';

export function tell(ctx: ControllerContext, text: string): void {
  ctx.note({ short: text, full: text });
}
