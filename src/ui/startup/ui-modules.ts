// Everything the UI needs before its first frame except Ink, React and the components, in one
// import (src/ui/run.tsx). One import() rather than one per module: the bundle splits at every
// import(), and each split is a file node resolves, reads and compiles before the first frame.
export { accountDataDir, paths } from '../../config/paths.js';
export { createAccount } from '../../accounts/index.js';
export { AddressCompleter } from '../../compose/address-completion.js';
export { TraceBuffer } from '../../trace/buffer.js';
export { InputTap } from '../input-tap.js';
export { lazyLoader } from '../lazy-loader.js';
export { accountSlots } from '../mode-switcher.js';
export { UiController } from '../state/controller.js';
export { CellRenderer } from '../terminal/cell-renderer.js';
export { guardTerminal } from '../terminal-guard.js';
export { startSentinel } from '../terminal-sentinel.js';
export { loadInk } from './load-ink.js';
export { LEAVE_ALT, TerminalSession } from './terminal-session.js';
