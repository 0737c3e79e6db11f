// Sales still waiting for payment, newest first, as the server lists them.
//   scope "mine":  this device had several when the kiosk opened or a cashier signed in; the cashier
//                  picks the one to take up (its QR, or "Coba lagi" / "Batal" when the QR has ended).
//   scope "store": the whole store's (today's and yesterday's), reached from the start screen; the
//                  ones rung up on this tablet open on tap, the others are shown with their device.
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { formatClockTime, formatRupiah, formatWib } from "../format.js";
import { t } from "../i18n.js";

function when(order, timeZone) {
  const today = formatWib(api.serverNowSeconds(), timeZone).slice(0, 10);
  const day = formatWib(order.created_at, timeZone);
  return day.slice(0, 10) === today ? formatClockTime(order.created_at, timeZone) : day;
}

export function mount(root, app, params) {
  const scope = params.scope === "mine" ? "mine" : "store";
  let alive = true;
  let opening = false;

  const list = h("ul", { class: "pending-list", id: "pending-list", "aria-labelledby": "pending-title" });
  const error = h("p", { class: "form-error", role: "alert", id: "pending-error" });
  const reload = h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "pending-reload", onclick: load },
    t("pending.reload"));
  const leave = scope === "mine"
    ? h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "pending-new-sale", onclick: () => app.startNewSale() },
      t("pending.newSale"))
    : h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "pending-back", onclick: () => app.go("shopper") },
      t("common.back"));

  function state(order) {
    if (!order.attempt) return t("pending.cash");
    return app.qrLive(order) ? t("pending.qrLive") : t("pending.qrEnded");
  }

  async function open(order) {
    if (opening) return;
    opening = true;
    error.textContent = "";
    try {
      await app.resumeOrder(order);
    } catch (err) {
      if (alive) error.textContent = app.errorText(err);
      opening = false;
    }
  }

  function row(order, mine) {
    const items = order.items.reduce((sum, line) => sum + line.qty, 0);
    const device = mine ? t("pending.thisDevice") : order.device_name || t("pending.otherDevice");
    const body = [
      h("span", { class: "pending-main" },
        h("strong", { class: "pending-no" }, order.order_no),
        h("span", { class: "pending-total" }, formatRupiah(order.total))),
      h("span", { class: "pending-items" }, order.items.map((line) => `${line.qty}× ${line.name}`).join(", ")),
      h("span", { class: "pending-meta" },
        h("span", { class: "pending-time" }, when(order, app.timezone())),
        h("span", {}, t("cart.itemCount", { count: items })),
        h("span", { class: "pending-device" }, device),
        h("span", { class: "pending-state" }, state(order))),
    ];
    const attrs = { class: `pending-row${mine ? " is-mine" : ""}`, dataset: { order: order.order_id } };
    if (!mine) return h("li", attrs, h("div", { class: "pending-card" }, body));
    return h("li", attrs, h("button", {
      type: "button", class: "pending-card pending-open", onclick: () => open(order),
      "aria-label": t("pending.openLabel", { orderNo: order.order_no, total: formatRupiah(order.total) }),
    }, body));
  }

  function draw(orders, mineIds) {
    if (!orders.length) {
      replace(list, h("li", { class: "empty", id: "pending-empty" }, t("pending.none")));
      return;
    }
    replace(list, orders.map((order) => row(order, mineIds.has(order.order_id))));
  }

  async function load() {
    error.textContent = "";
    reload.disabled = true;
    reload.setAttribute("aria-busy", "true");
    try {
      // The store's list says nothing of devices: this device's own list tells which rows are ours.
      const [mine, all] = await Promise.all([
        api.pendingSales({ mine: true }),
        scope === "store" ? api.pendingSales() : null,
      ]);
      if (!alive) return;
      draw(all ? all.orders : mine.orders, new Set(mine.orders.map((o) => o.order_id)));
    } catch (err) {
      if (alive) error.textContent = app.errorText(err);
    } finally {
      reload.disabled = false;
      reload.removeAttribute("aria-busy");
    }
  }

  root.append(h("section", { class: "screen screen-pending", "aria-labelledby": "pending-title" },
    h("div", { class: "panel pending-panel" },
      h("h2", { id: "pending-title" }, scope === "mine" ? t("pending.mineTitle") : t("pending.storeTitle")),
      h("p", { class: "lead" }, scope === "mine" ? t("pending.mineLead") : t("pending.storeLead")),
      list,
      error,
      h("div", { class: "actions" }, leave, reload))));

  if (params.orders) {
    draw(params.orders, new Set(params.orders.map((o) => o.order_id)));
  } else {
    replace(list, h("li", { class: "empty" }, t("common.loading")));
    load();
  }
  return () => {
    alive = false;
  };
}
