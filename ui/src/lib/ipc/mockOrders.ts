// The mock's sales: the core's `inbox::orders` list rules (what is to dispatch, soonest first;
// every order, newest first), checked against its golden file, and the action guide's reasons
// with their caps, as the sandbox models Mercado Libre's.
import type { ContactOption } from './bindings/ContactOption';
import type { OrderPage } from './bindings/OrderPage';
import type { OrderQuery } from './bindings/OrderQuery';
import type { OrderRow } from './bindings/OrderRow';

const CLOSED = ['cancelled', 'invalid'];

function toDispatch(rows: OrderRow[], query: OrderQuery): OrderRow[] {
  const before = query.dispatch_before != null ? Date.parse(query.dispatch_before) : null;
  return rows
    .filter((o) => o.dispatch_by !== null && !CLOSED.includes(o.status))
    .filter((o) => query.account_id == null || o.account_id === query.account_id)
    .filter((o) => before === null || Date.parse(o.dispatch_by!) <= before)
    .sort((a, b) => Date.parse(a.dispatch_by!) - Date.parse(b.dispatch_by!) || a.order_id - b.order_id);
}

/** One page of `rows` as the core's `orders_list` gives it. */
export function listOrders(rows: OrderRow[], query: OrderQuery): OrderPage {
  const due = toDispatch(rows, query);
  const chosen =
    query.filter === 'to_dispatch'
      ? due
      : rows
          .filter((o) => query.account_id == null || o.account_id === query.account_id)
          .sort((a, b) => b.date_created.localeCompare(a.date_created) || b.order_id - a.order_id);
  const offset = query.offset ?? 0;
  const limit = Math.min(500, Math.max(1, query.limit ?? 100));
  return { items: chosen.slice(offset, offset + limit), total: chosen.length, to_dispatch: due.length };
}

/** The action guide's reasons (the sandbox's set), in its order. */
export const GUIDE_REASONS: [string, boolean][] = [
  ['REQUEST_VARIANTS', false],
  ['REQUEST_BILLING_INFO', false],
  ['SEND_INVOICE_LINK', false],
  ['OTHER', true],
];

/** The text Mercado Libre sends for a template reason (the sandbox's). */
export function guideTemplateText(option: string): string {
  switch (option) {
    case 'REQUEST_VARIANTS':
      return 'Hola, para preparar tu compra necesitamos que nos indiques el color o la variante que elegiste.';
    case 'REQUEST_BILLING_INFO':
      return 'Hola, para emitir la factura de tu compra necesitamos tus datos de facturación.';
    default:
      return 'Hola, ya podés descargar la factura de tu compra desde el detalle de la compra.';
  }
}

/** The reasons offered for an order: one message each; OTHER closes once delivered. */
export function guideOptions(used: string[], delivered: boolean): ContactOption[] {
  return GUIDE_REASONS.map(([id, freeText]) => {
    const cap = used.includes(id) ? 0 : 1;
    return {
      id,
      free_text: freeText,
      char_limit: freeText ? 350 : null,
      cap_available: cap,
      enabled: cap > 0 && !(id === 'OTHER' && delivered),
    };
  });
}
