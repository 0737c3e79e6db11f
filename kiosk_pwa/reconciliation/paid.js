// Book orders paid by statement rows that are not a sale yet: "Jadikan penjualan" (stock leaves
// the CS desk, the receipt prints, points are credited), all of them at once with "Jadikan semua
// penjualan" (a summary says what was skipped and why), or unmatch a row that was wrong.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import { badge, errorLine, errorText, toast } from "../backoffice/common.js";
import { bulkButton } from "./rowactions.js";

export function mount(page) {
  const list = h("div", { class: "lines", id: "paid-orders" });
  const error = errorLine(); // the last action or load that failed, until one works
  const run = async (button, fn, done) => {
    button.disabled = true;
    try {
      toast((await fn()) || done);
      error.textContent = "";
      reload();
    } catch (err) {
      error.textContent = errorText(err);
      button.disabled = false;
    }
  };
  async function reload() {
    try {
      const { orders } = await api.call("GET", "/reconciliation/paid-orders");
      replace(list, orders.length ? orders.map((o) => {
        const sale = h("button", { type: "button", class: "btn btn-primary" }, t("bo.recon.paid.makeSale"));
        sale.addEventListener("click", () => run(sale, async () => {
          const done = await api.call("POST", `/reconciliation/orders/${o.order_id}/sale`);
          return t(done.receipt_print === "DONE" ? "bo.recon.paid.salePrinted" : "bo.recon.paid.saleQueued", { orderNo: o.order_no });
        }));
        return h("article", { class: "card" },
          h("div", { class: "card-head" }, h("h3", {}, `${o.order_no} · ${o.customer_name}`), badge(o.status, o.status_label)),
          h("p", {}, t("bo.recon.paid.total", { total: o.total_label })),
          h("ul", {}, o.allocations.map((a) => {
            const undo = h("button", { type: "button", class: "btn btn-secondary" }, t("bo.recon.unmatch"));
            undo.addEventListener("click", () => run(undo, () => api.call("POST", `/reconciliation/lines/${a.fingerprint}/unmatch`)
              .then(() => null), t("bo.recon.paid.unmatched")));
            return h("li", { class: "inline" }, t("bo.recon.paid.fromLine", { amount: formatRupiah(a.amount), line: a.line_number }), undo);
          })),
          h("div", { class: "actions" }, sale));
      }) : h("p", { class: "empty" }, t("bo.recon.paid.none")));
    } catch (err) {
      error.textContent = errorText(err);
    }
  }
  const summary = h("div", { class: "bulk-summary", id: "make-sales-summary", "aria-live": "polite" });
  const all = bulkButton({ label: t("bo.recon.bulk.makeAll"), id: "make-all-sales", summary, onDone: () => reload(),
    send: () => api.call("POST", "/reconciliation/paid-orders/make-sales"),
    doneText: (count) => t("bo.recon.bulk.made", { count }) });
  replace(page, h("section", { class: "panel" },
    h("div", { class: "toolbar" }, h("h2", {}, t("bo.recon.paid.title")), all), summary, error, list));
  reload();
  return null;
}
