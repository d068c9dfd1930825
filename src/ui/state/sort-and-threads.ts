// `o` cycles the sort, `v` toggles the thread view.
import type { ControllerContext } from './controller-context.js';
import { listOrder, nextSort, orderNote } from './list-order.js';

/** `o` cycles the sort, `v` toggles threads; the list restarts at the top of the new order. */
export function changeOrder(ctx: ControllerContext, action: 'sortOrder' | 'threadView'): void {
  const s = ctx.state;
  const caps = s.current ? ctx.backends.get(s.current.account)?.capabilities : undefined;
  const available = caps?.sortOrders ?? ['arrival'];
  if (action === 'threadView') {
    if (!s.threads && !available.includes('thread')) return ctx.notify('No threads on this account');
    ctx.post({ type: 'orderChanged', threads: !s.threads });
  } else {
    // Sorting leaves the thread view: the two are one list order.
    const sort = s.threads ? (s.sort ?? 'arrival') : nextSort(s.sort ?? 'arrival', available);
    if (!s.threads && sort === (s.sort ?? 'arrival')) return ctx.notify('Arrival order only (no server SORT)');
    ctx.post({ type: 'orderChanged', threads: false, sort, sortFromByAddress: caps?.fromSort === 'address' });
  }
  // The list restarted at the top of the new order (unless a search is shown): orderChanged.
  ctx.notify(orderNote(listOrder(ctx.state), ctx.state.sortFromByAddress));
}
