// Riwayat Penjualan: the store's sales history in the back office, for store and chat sales alike.
// It is the kiosk's own three screens (js/screens/history.js, sale.js, refund.js) hosted here, so a
// sale reads, reprints, voids and refunds the same way on both: find a sale by day, number, phone or
// name; open it (lines, payment, refunds, receipts and messages); refund lines back to QRIS, cash or
// a bank transfer with its reference (what a Book Order sale gets back), with a supervisor's or an
// admin's PIN when the store asks for one.
import { h, replace } from "../js/dom.js";
import * as history from "../js/screens/history.js";
import * as refund from "../js/screens/refund.js";
import * as sale from "../js/screens/sale.js";
import { errorText } from "./common.js";

const SCREENS = { history, sale, refund };
// The screen on show and its params (filters, the refund form): a language switch, or a visit to
// another section and back, finds it as it was, for the same person.
let kept = null;

export function mount(root, me) {
  let cleanup = null;
  const holder = h("div", { class: "bo-sales", id: "bo-sales" });
  replace(root, holder);

  const app = {
    embedded: true, // no way out of the history here: the menu is the way out
    go(name, params = {}) {
      const screen = SCREENS[name] ? name : "history"; // the kiosk's screens outside these three stay in the kiosk
      if (cleanup) cleanup();
      holder.replaceChildren();
      kept = { staffId: me.staff_id, name: screen, params };
      cleanup = SCREENS[screen].mount(holder, app, params) || null;
      const heading = holder.querySelector("h2");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus({ preventScroll: true });
      }
      window.scrollTo({ top: 0 });
    },
    errorText,
    timezone: () => me.store?.timezone || "Asia/Jakarta",
  };

  const resume = kept && kept.staffId === me.staff_id ? kept : { name: "history", params: {} };
  app.go(resume.name, resume.params);
  return () => {
    if (cleanup) cleanup();
    cleanup = null;
  };
}
