// Drop Order: CS asks the warehouse for goods; the warehouse sees the queue (refreshed every few
// seconds), hands the goods over, and scans returns back in (all back cancels the drop order,
// part of it closes it).
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { ItemPicker, attempt, badge, errorLine, errorText, toast, when } from "./common.js";

const STATUSES = { REQUESTED: "bo.drop.status.requested", HANDED_OVER: "bo.drop.status.handedOver",
  CLOSED: "bo.drop.status.closed", CANCELLED: "bo.drop.status.cancelled" };
const EMPTY = { REQUESTED: "bo.drop.empty.requested", HANDED_OVER: "bo.drop.empty.handedOver",
  CLOSED: "bo.drop.empty.closed", CANCELLED: "bo.drop.empty.cancelled" };
const REFRESH_MS = 5000;

let scanTarget = null; // the picker a scanned barcode goes to

export function onScan(code) {
  scanTarget?.add(code);
}

export function mount(root, me) {
  const canRequest = me.role === "cs" || me.role === "admin";
  const canFulfil = me.role === "warehouse" || me.role === "admin";
  const intents = new Map(); // drop id or "new" -> api.Intent: a retried tap keeps its Idempotency-Key
  const intentFor = (key) => intents.get(key) || intents.set(key, new api.Intent()).get(key);
  let returning = null; // drop id whose return is being scanned: the queue waits meanwhile
  let status = "REQUESTED";

  const queue = h("div", { class: "lines" });
  const actionError = errorLine(); // a hand-over or cancel that did not go through, until one does
  const filter = h("select", { class: "input input-small", id: "drop-status", "aria-label": t("bo.common.status") },
    Object.entries(STATUSES).map(([value, key]) => h("option", { value, selected: value === status }, t(key))));
  filter.addEventListener("change", () => { status = filter.value; refresh(); });

  async function refresh() {
    if (returning) return;
    try {
      const { drop_orders: drops } = await api.call("GET", `/inventory/drop-orders?status=${status}`);
      replace(queue, drops.length ? drops.map(card) : h("p", { class: "empty" }, t(EMPTY[status])));
    } catch (err) {
      replace(queue, h("p", { class: "form-error" }, errorText(err)));
    }
  }

  async function act(drop, path, done) {
    if (await attempt(actionError, () => api.call("POST", `/inventory/drop-orders/${drop.drop_id}/${path}`))) toast(done);
    refresh();
  }

  function card(drop) {
    const actions = [];
    if (drop.status === "REQUESTED" && canFulfil) {
      actions.push(h("button", { type: "button", class: "btn btn-primary",
        onclick: () => act(drop, "handover", t("bo.drop.handedOver", { dropNo: drop.drop_no })) }, t("bo.drop.handOver")));
    }
    if (drop.status === "REQUESTED") {
      actions.push(h("button", { type: "button", class: "btn btn-danger-outline",
        onclick: () => act(drop, "cancel", t("bo.drop.cancelled", { dropNo: drop.drop_no })) }, t("bo.common.cancelOrder")));
    }
    if (drop.status === "HANDED_OVER" && canFulfil) {
      actions.push(h("button", { type: "button", class: "btn btn-secondary", onclick: () => startReturn(drop, el) }, t("bo.drop.scanReturn")));
    }
    const el = h("article", { class: "card", dataset: { drop: drop.drop_id } },
      h("div", { class: "card-head" }, h("h3", {}, drop.drop_no), badge(drop.status, STATUSES[drop.status] ? t(STATUSES[drop.status]) : drop.status)),
      h("ul", {}, drop.lines.map((l) => h("li", {}, h("strong", {}, `${l.qty} × ${l.sku}`), ` ${l.name}`,
        drop.returned?.[l.sku] ? h("span", { class: "muted" }, ` ${t("bo.drop.returnedQty", { qty: drop.returned[l.sku] })}`) : null))),
      drop.note ? h("p", { class: "hint" }, t("bo.drop.note", { note: drop.note })) : null,
      h("p", { class: "hint" }, t("bo.drop.requestedAt", { at: when(drop.requested_at) }),
        drop.handed_at ? ` · ${t("bo.drop.handedAt", { at: when(drop.handed_at) })}` : "",
        drop.closed_at ? ` · ${t("bo.drop.closedAt", { at: when(drop.closed_at) })}` : ""),
      actions.length ? h("div", { class: "actions" }, actions) : null);
    return el;
  }

  function startReturn(drop, el) {
    returning = drop.drop_id;
    const picker = new ItemPicker({ qtyLabel: t("bo.drop.returnQty") });
    scanTarget = picker;
    const error = errorLine();
    const close = () => { returning = null; scanTarget = canRequest ? requestPicker : null; refresh(); };
    el.append(h("form", { class: "card", onsubmit: async (event) => {
      event.preventDefault();
      if (!picker.lines.length) {
        error.textContent = t("bo.drop.scanReturnedFirst");
        return;
      }
      try {
        const result = await intentFor(drop.drop_id).run((key) => api.call("POST", `/inventory/drop-orders/${drop.drop_id}/return`, {
          body: { items: picker.lines.map((l) => ({ sku: l.sku, qty: l.qty })) }, idempotencyKey: key }));
        if (result) {
          toast(t(result.status === "CANCELLED" ? "bo.drop.allReturned" : "bo.drop.returnSaved", { dropNo: drop.drop_no }));
          close();
        }
      } catch (err) {
        error.textContent = errorText(err);
      }
    } },
    h("h3", {}, t("bo.drop.returnTitle")),
    picker.el, error,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "btn btn-primary" }, t("bo.drop.saveReturn")),
      h("button", { type: "button", class: "btn btn-secondary", onclick: close }, t("bo.common.cancel")))));
  }

  const requestPicker = canRequest ? new ItemPicker() : null;
  scanTarget = requestPicker;
  const note = h("input", { class: "input input-small", maxlength: 200, placeholder: t("bo.drop.notePlaceholder") });
  const requestError = errorLine();
  const request = canRequest ? h("form", { class: "panel", onsubmit: async (event) => {
    event.preventDefault();
    requestError.textContent = "";
    if (!requestPicker.lines.length) {
      requestError.textContent = t("bo.common.addItemsFirst");
      return;
    }
    try {
      const drop = await intentFor("new").run((key) => api.call("POST", "/inventory/drop-orders", {
        body: { items: requestPicker.lines.map((l) => ({ sku: l.sku, qty: l.qty })), note: note.value.trim() || null },
        idempotencyKey: key }));
      if (drop) {
        requestError.textContent = "";
        toast(t("bo.drop.requested", { dropNo: drop.drop_no }));
        requestPicker.clear();
        note.value = "";
        refresh();
      }
    } catch (err) {
      requestError.textContent = errorText(err);
    }
  } },
  h("h2", {}, t("bo.drop.requestTitle")),
  requestPicker.el,
  h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.common.note")), note),
  requestError,
  h("button", { type: "submit", class: "btn btn-primary" }, t("bo.drop.send"))) : null;

  replace(root, h("div", { class: canRequest ? "grid-2" : "" },
    request,
    h("section", { class: "panel" },
      h("div", { class: "toolbar" }, h("h2", {}, t("bo.drop.queueTitle")), filter),
      h("p", { class: "hint" }, t("bo.drop.autoRefresh")),
      actionError, queue)));
  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => { clearInterval(timer); scanTarget = null; };
}
