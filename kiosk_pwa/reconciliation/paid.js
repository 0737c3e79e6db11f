// Book orders paid by statement rows that are not a sale yet: "Jadikan penjualan" (stock leaves
// the CS desk, the receipt prints, points are credited), or unmatch a row that was wrong.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { badge, errorText, toast } from "../backoffice/common.js";

export function mount(page) {
  const list = h("div", { class: "lines", id: "paid-orders" });
  const run = async (button, fn, done) => {
    button.disabled = true;
    try {
      toast((await fn()) || done);
      reload();
    } catch (err) {
      toast(errorText(err), "error");
      button.disabled = false;
    }
  };
  async function reload() {
    try {
      const { orders } = await api.call("GET", "/reconciliation/paid-orders");
      replace(list, orders.length ? orders.map((o) => {
        const sale = h("button", { type: "button", class: "btn btn-primary" }, "Jadikan penjualan");
        sale.addEventListener("click", () => run(sale, async () => {
          const done = await api.call("POST", `/reconciliation/orders/${o.order_id}/sale`);
          return done.receipt_print === "DONE" ? `Penjualan ${o.order_no} dibuat; struk dikirim ke printer.`
            : `Penjualan ${o.order_no} dibuat; struk menunggu antrean cetak.`;
        }));
        return h("article", { class: "card" },
          h("div", { class: "card-head" }, h("h3", {}, `${o.order_no} · ${o.customer_name}`), badge(o.status, o.status_label)),
          h("p", {}, `Total ${o.total_label}`),
          h("ul", {}, o.allocations.map((a) => {
            const undo = h("button", { type: "button", class: "btn btn-secondary" }, "Lepas");
            undo.addEventListener("click", () => run(undo, () => api.call("POST", `/reconciliation/lines/${a.fingerprint}/unmatch`),
              "Pencocokan dilepas; pesanan kembali menunggu pembayaran."));
            return h("li", { class: "inline" }, `${formatRupiah(a.amount)} dari baris ${a.line_number}`, undo);
          })),
          h("div", { class: "actions" }, sale));
      }) : h("p", { class: "empty" }, "Belum ada book order lunas yang menunggu dijadikan penjualan."));
    } catch (err) {
      toast(errorText(err), "error");
    }
  }
  replace(page, h("section", { class: "panel" }, h("h2", {}, "Siap dijadikan penjualan"), list));
  reload();
  return null;
}
