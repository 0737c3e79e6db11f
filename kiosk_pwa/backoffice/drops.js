// Drop Order: CS asks the warehouse for goods; the warehouse sees the queue (refreshed every few
// seconds) with what it has of each line, hands the goods over (all, or fewer when it has fewer),
// and scans returns back in (all back cancels the drop order, part of it closes it). A drop order
// whose goods were sold closes with nothing returned ("Semua terjual"), or with a reason why the
// rest stays at the CS desk.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { ItemPicker, attempt, badge, errorLine, errorText, quantityField, session, toast, when } from "./common.js";

const STATUSES = { REQUESTED: "bo.drop.status.requested", HANDED_OVER: "bo.drop.status.handedOver",
  CLOSED: "bo.drop.status.closed", CANCELLED: "bo.drop.status.cancelled" };
const EMPTY = { REQUESTED: "bo.drop.empty.requested", HANDED_OVER: "bo.drop.empty.handedOver",
  CLOSED: "bo.drop.empty.closed", CANCELLED: "bo.drop.empty.cancelled" };
const CLOSED_AS = { sold: "bo.drop.closedAs.sold", kept: "bo.drop.closedAs.kept", returned: "bo.drop.closedAs.returned" };
const MAX_QTY = 9999; // of one item in one drop order (the server's limit)
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
  let editing = null; // drop id with a form open (hand-over, return, close): the queue waits meanwhile
  let status = "REQUESTED";
  let focusId = null; // a drop order opened from the stock history: shown marked

  const queue = h("div", { class: "lines" });
  const actionError = errorLine(); // a hand-over, close or cancel that did not go through, until one does
  const filter = h("select", { class: "input input-small", id: "drop-status", "aria-label": t("bo.common.status") },
    Object.entries(STATUSES).map(([value, key]) => h("option", { value, selected: value === status }, t(key))));
  filter.addEventListener("change", () => { status = filter.value; refresh(); });

  async function refresh() {
    if (editing) return;
    try {
      const { drop_orders: drops } = await api.call("GET", `/inventory/drop-orders?status=${status}`);
      if (editing) return; // a form opened while the list was on its way
      replace(queue, drops.length ? drops.map(card) : h("p", { class: "empty" }, t(EMPTY[status])));
      queue.querySelector("[data-focus]")?.scrollIntoView({ block: "center" });
    } catch (err) {
      replace(queue, h("p", { class: "form-error" }, errorText(err)));
    }
  }

  async function act(drop, path, done) {
    if (await attempt(actionError, () => api.call("POST", `/inventory/drop-orders/${drop.drop_id}/${path}`))) toast(done);
    refresh();
  }

  function openForm(drop, el, form) {
    editing = drop.drop_id;
    el.querySelector(".actions")?.setAttribute("hidden", "");
    el.append(form);
    form.querySelector("input")?.focus();
  }

  function closeForm() {
    editing = null;
    scanTarget = canRequest ? requestPicker : null;
    refresh();
  }

  function lineView(drop, l) {
    const short = (n) => (n < l.qty ? "line-short" : "muted");
    return h("li", {}, h("strong", {}, `${l.qty} × ${l.sku}`), ` ${l.name}`,
      drop.status === "REQUESTED" && l.warehouse_available !== undefined
        ? h("span", { class: short(l.warehouse_available) }, ` · ${t("bo.drop.inWarehouse", { qty: l.warehouse_available })}`) : null,
      l.handed !== null && l.handed !== undefined
        ? h("span", { class: short(l.handed) }, ` · ${t("bo.drop.handedQty", { qty: l.handed })}`) : null,
      drop.returned?.[l.sku] ? h("span", { class: "muted" }, ` ${t("bo.drop.returnedQty", { qty: drop.returned[l.sku] })}`) : null);
  }

  function who(at, key, name) {
    return `${t(key, { at: when(at) })}${name ? ` ${t("bo.drop.by", { name })}` : ""}`;
  }

  function card(drop) {
    const actions = [];
    if (drop.status === "REQUESTED" && canFulfil) {
      actions.push(h("button", { type: "button", class: "btn btn-primary",
        onclick: () => act(drop, "handover", t("bo.drop.handedOver", { dropNo: drop.drop_no })) }, t("bo.drop.handOver")));
      actions.push(h("button", { type: "button", class: "btn btn-secondary", onclick: () => startHandover(drop, el) },
        t("bo.drop.handOverPart")));
    }
    if (drop.status === "REQUESTED") {
      actions.push(h("button", { type: "button", class: "btn btn-danger-outline",
        onclick: () => act(drop, "cancel", t("bo.drop.cancelled", { dropNo: drop.drop_no })) }, t("bo.common.cancelOrder")));
    }
    if (drop.status === "HANDED_OVER") {
      if (canFulfil) {
        actions.push(h("button", { type: "button", class: "btn btn-secondary", onclick: () => startReturn(drop, el) }, t("bo.drop.scanReturn")));
      }
      actions.push(h("button", { type: "button", class: "btn btn-primary",
        onclick: () => act(drop, "close", t("bo.drop.closedSold", { dropNo: drop.drop_no })) }, t("bo.drop.allSold")));
      actions.push(h("button", { type: "button", class: "btn btn-secondary", onclick: () => startKeep(drop, el) }, t("bo.drop.keepRest")));
    }
    const closedAs = drop.close_reason && CLOSED_AS[drop.close_reason] ? t(CLOSED_AS[drop.close_reason]) : null;
    const el = h("article", { class: "card", dataset: { drop: drop.drop_id, ...(drop.drop_id === focusId ? { focus: "" } : {}) } },
      h("div", { class: "card-head" }, h("h3", {}, drop.drop_no),
        badge(drop.status, [STATUSES[drop.status] ? t(STATUSES[drop.status]) : drop.status, closedAs].filter(Boolean).join(" · "))),
      h("ul", {}, drop.lines.map((l) => lineView(drop, l))),
      drop.short ? h("p", { class: "line-short" },
        t("bo.drop.handedOfRequested", { handed: drop.handed_qty, requested: drop.requested_qty })) : null,
      drop.note ? h("p", { class: "hint" }, t("bo.drop.note", { note: drop.note })) : null,
      drop.close_note ? h("p", { class: "hint" }, t("bo.drop.closeNote", { note: drop.close_note })) : null,
      h("p", { class: "hint" }, who(drop.requested_at, "bo.drop.requestedAt", drop.requested_by_name),
        drop.handed_at ? ` · ${who(drop.handed_at, "bo.drop.handedAt", drop.handed_by_name)}` : "",
        drop.closed_at ? ` · ${who(drop.closed_at, "bo.drop.closedAt", drop.closed_by_name)}` : ""),
      actions.length ? h("div", { class: "actions" }, actions) : null);
    return el;
  }

  // The warehouse has fewer than asked: it says how many of each it hands over (what it has, to
  // begin with); only those move, and the drop order shows both numbers.
  function startHandover(drop, el) {
    const error = errorLine();
    let shown = false; // the error line says what is wrong with a quantity: it follows the fields
    const firstProblem = () => {
      for (const { line, field } of fields) {
        const problem = field.problem();
        if (problem) return { field, text: t("bo.qty.fix", { sku: line.sku, problem }) };
      }
      return null;
    };
    const follow = () => {
      if (!shown) return;
      error.textContent = firstProblem()?.text || "";
      shown = Boolean(error.textContent);
    };
    const fields = drop.lines.map((l) => ({ line: l, field: quantityField({
      value: Math.max(0, Math.min(l.qty, l.warehouse_available ?? l.qty)), label: t("bo.drop.handQtyOf", { sku: l.sku }),
      rule: { min: 0, max: l.qty }, onValue: follow }) }));
    const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("bo.drop.handOverConfirm"));
    openForm(drop, el, h("form", { class: "card", id: `handover-${drop.drop_id}`, onsubmit: async (event) => {
      event.preventDefault();
      const wrong = firstProblem();
      error.textContent = wrong?.text || "";
      shown = Boolean(wrong);
      if (wrong) {
        wrong.field.focus();
        return;
      }
      const items = fields.map(({ line, field }) => ({ sku: line.sku, qty: Number(field.input.value.trim()) }));
      const handed = items.reduce((sum, i) => sum + i.qty, 0);
      if (!handed) {
        error.textContent = t("bo.drop.nothingHanded");
        return;
      }
      submit.disabled = true;
      const result = await attempt(error, () => api.call("POST", `/inventory/drop-orders/${drop.drop_id}/handover`,
        { body: { items: items.filter((i) => i.qty > 0) } }));
      submit.disabled = false;
      if (result) {
        toast(t(result.short ? "bo.drop.handedPartly" : "bo.drop.handedOver",
          { dropNo: drop.drop_no, handed: result.handed_qty, requested: result.requested_qty }));
        closeForm();
      }
    } },
    h("h3", {}, t("bo.drop.handOverTitle")),
    h("p", { class: "hint" }, t("bo.drop.handOverHint")),
    h("div", { class: "lines" }, fields.map(({ line, field }) => h("div", { class: "line" },
      h("div", {}, h("strong", {}, line.sku), ` ${line.name}`,
        h("div", { class: "hint" }, t("bo.drop.askedAndHave", { qty: line.qty, have: line.warehouse_available ?? "-" }))),
      field.input, h("span", {}), field.message))),
    error,
    h("div", { class: "actions" }, submit,
      h("button", { type: "button", class: "btn btn-secondary", onclick: closeForm }, t("bo.common.cancel")))));
  }

  function startReturn(drop, el) {
    const picker = new ItemPicker({ qtyLabel: t("bo.drop.returnQty"), qtyRule: { max: MAX_QTY } });
    scanTarget = picker;
    const error = errorLine();
    openForm(drop, el, h("form", { class: "card", onsubmit: async (event) => {
      event.preventDefault();
      if (!picker.lines.length) {
        error.textContent = t("bo.drop.scanReturnedFirst");
        return;
      }
      if (picker.refuse(error)) return;
      try {
        const result = await intentFor(drop.drop_id).run((key) => api.call("POST", `/inventory/drop-orders/${drop.drop_id}/return`, {
          body: { items: picker.lines.map((l) => ({ sku: l.sku, qty: l.qty })) }, idempotencyKey: key }));
        if (result) {
          toast(t(result.status === "CANCELLED" ? "bo.drop.allReturned" : "bo.drop.returnSaved", { dropNo: drop.drop_no }));
          closeForm();
        }
      } catch (err) {
        error.textContent = errorText(err);
      }
    } },
    h("h3", {}, t("bo.drop.returnTitle")),
    picker.el, error,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "btn btn-primary" }, t("bo.drop.saveReturn")),
      h("button", { type: "button", class: "btn btn-secondary", onclick: closeForm }, t("bo.common.cancel")))));
  }

  // Fewer were sold than handed over, and nothing comes back: the rest stays on the CS desk's books,
  // with the person's reason on the drop order.
  function startKeep(drop, el) {
    const error = errorLine();
    const reason = h("input", { class: "input", id: `keep-note-${drop.drop_id}`, maxlength: 200, required: true,
      placeholder: t("bo.drop.keepPlaceholder") });
    openForm(drop, el, h("form", { class: "card", onsubmit: async (event) => {
      event.preventDefault();
      if (reason.value.trim().length < 3) {
        error.textContent = t("bo.drop.keepReasonFirst");
        reason.focus();
        return;
      }
      const result = await attempt(error, () => api.call("POST", `/inventory/drop-orders/${drop.drop_id}/close`,
        { body: { keep_rest: true, note: reason.value.trim() } }));
      if (result) {
        toast(t("bo.drop.closedKept", { dropNo: drop.drop_no }));
        closeForm();
      }
    } },
    h("h3", {}, t("bo.drop.keepTitle")),
    h("p", { class: "hint" }, t("bo.drop.keepHint")),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.drop.keepReason")), reason),
    error,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "btn btn-primary" }, t("bo.drop.keepConfirm")),
      h("button", { type: "button", class: "btn btn-secondary", onclick: closeForm }, t("bo.common.cancel")))));
  }

  const requestPicker = canRequest ? new ItemPicker({ qtyRule: { max: MAX_QTY } }) : null;
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
    if (requestPicker.refuse(requestError)) return;
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

  // Opened from the stock history: the list of that drop order's status, the drop order marked.
  const opened = session.openDrop;
  session.openDrop = null;
  (async () => {
    if (opened) {
      const drop = await attempt(actionError, () => api.call("GET", `/inventory/drop-orders/${encodeURIComponent(opened)}`));
      if (drop) {
        status = filter.value = drop.status;
        focusId = drop.drop_id;
      }
    }
    refresh();
  })();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => { clearInterval(timer); scanTarget = null; };
}
