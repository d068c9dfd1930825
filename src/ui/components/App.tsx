import { Box, Text, useInput } from 'ink';
import { useSyncExternalStore } from 'react';
import { keySpec, splitTyped, type KeyTable } from '../keys/bindings.js';
import type { MessageLoader } from '../message-loader.js';
import type { UiController } from '../state/controller.js';
import { computeLayout, panesRows } from '../state/layout.js';
import type { Theme } from '../theme.js';
import { ComposeConfirm } from './ComposeConfirm.js';
import { FolderPane } from './FolderPane.js';
import { HelpOverlay } from './HelpOverlay.js';
import { MessageList } from './MessageList.js';
import { ModeConfirm } from './ModeConfirm.js';
import { Picker } from './Picker.js';
import { visibleItems } from '../state/folder-picker.js';
import { Reader } from './Reader.js';
import { StatusBar } from './StatusBar.js';
import { TracePane, TraceStrip } from './TracePane.js';
import type { TraceBuffer } from '../../trace/buffer.js';
import { Welcome } from './Welcome.js';
import { padToWidth } from '../../text/display-width.js';
import { accountEntry } from '../state/folder-rows.js';
import { coalesced } from './coalesced-subscribe.js';

export interface AppProps {
  controller: UiController;
  keys: KeyTable;
  loader: MessageLoader;
  theme: Theme;
  configPath: string;
  /** Protocol trace shown by `t`. */
  trace?: TraceBuffer;
  /** A guide line above everything (the demo); the caller leaves a row for it. */
  hint?: string;
}

export function App({ controller, keys, loader, theme, configPath, trace, hint }: AppProps) {
  const state = useSyncExternalStore(coalesced(controller.store.subscribe), controller.store.getState);
  // The list's rows live in the window cache, which says when they change.
  useSyncExternalStore(coalesced(controller.cache.subscribe), controller.cache.snapshot);
  // useInput drops function keys (F5…): the stdin Ink is given reports them (input-tap.ts).
  useInput((input, key) => {
    const special =
      key.upArrow ||
      key.downArrow ||
      key.leftArrow ||
      key.rightArrow ||
      key.pageUp ||
      key.pageDown ||
      key.home ||
      key.end ||
      key.escape ||
      key.ctrl ||
      key.meta ||
      key.tab ||
      key.return ||
      key.backspace ||
      key.delete;
    if (!special && [...input].length > 1) {
      for (const k of splitTyped(input)) {
        if (k.spec === 'C-c') return controller.interrupt();
        controller.handleKey(k);
      }
      return;
    }
    const spec = keySpec(input, key);
    // Ctrl-C cancels a prompt or dialog, else quits through the same path as `q` (terminal restored).
    if (spec === 'C-c') return controller.interrupt();
    controller.handleKey({ spec, text: key.ctrl || key.meta ? '' : input });
  });

  const { cols, rows } = state;
  if (state.accounts.length === 0) {
    return (
      <Box flexDirection="column" width={cols}>
        <Welcome configPath={configPath} width={cols} height={Math.max(3, rows - 2)} demoKey={controller.offersDemo} />
      </Box>
    );
  }
  // The trace pane (t) takes the bottom rows; the mail panes share the rest.
  const layout = computeLayout(cols, panesRows(rows, !!state.tracePane), state.focus, !!state.reader, state.foldersHidden);
  const fullHeight = computeLayout(cols, rows, state.focus, !!state.reader).mainHeight;
  const count = controller.listCount();
  const rowAt = (pos: number) => controller.rowAt(pos);
  const collapsedAt = (pos: number) => controller.collapsedAt(pos);
  const o = state.overlay;
  let main;
  if (o?.kind === 'help') {
    main = <HelpOverlay keys={keys} width={cols} height={fullHeight} scroll={o.scroll} lastError={state.error} lastNote={state.lastNote?.full} />;
  } else if (o?.kind === 'compose') {
    main = <ComposeConfirm view={o.view} keys={keys} width={cols} height={fullHeight} />;
  } else if (o?.kind === 'trace') {
    const name = (accountEntry(state, state.current?.account) ?? state.accounts[0])?.name;
    main = <TracePane buffer={trace} account={name} all={o.all} scroll={o.scroll} width={cols} height={fullHeight} theme={theme} />;
  } else if (o?.kind === 'confirmMode') {
    main = <ModeConfirm text={o.text} target={o.target} leaveOnServer={o.leaveOnServer} width={cols} height={fullHeight} />;
  } else if (o?.kind === 'picker') {
    main = (
      <Picker
        title={o.title}
        items={visibleItems(o)}
        cursor={o.cursor}
        width={cols}
        height={fullHeight}
        {...(o.filter !== undefined ? { filter: o.filter } : {})}
      />
    );
  } else {
    const folders = layout.folders && <FolderPane state={state} theme={theme} {...layout.folders} />;
    const list = layout.list && <MessageList state={state} theme={theme} count={count} rowAt={rowAt} collapsedAt={collapsedAt} {...layout.list} />;
    const reader = layout.reader && <Reader state={state} theme={theme} loader={loader} {...layout.reader} />;
    main = (
      <Box flexDirection="row" height={layout.mainHeight}>
        {folders}
        {list}
        {reader}
      </Box>
    );
  }
  // Prompts and the delete question live in the status bar: the panes and the trace stay.
  const panesShown = !o || o.kind === 'prompt' || o.kind === 'confirmDelete' || o.kind === 'secret' || o.kind === 'confirmFolderDelete';
  if (state.tracePane && panesShown) {
    const name = (accountEntry(state, state.current?.account) ?? state.accounts[0])?.name;
    main = (
      <Box flexDirection="column" height={fullHeight}>
        {main}
        <TraceStrip buffer={trace} account={name} all={state.tracePane.all} width={cols} height={fullHeight - layout.mainHeight} theme={theme} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={cols}>
      {hint && <Text bold>{padToWidth(hint, cols)}</Text>}
      {main}
      <StatusBar state={state} count={count} width={cols} theme={theme} />
    </Box>
  );
}
