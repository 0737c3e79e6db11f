// Drop Order: CS asks the warehouse for goods; the warehouse sees the queue (refreshed every few
// seconds), hands the goods over, and scans returns back in (all back cancels the drop order,
// part of it closes it).
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { ItemPicker, badge, errorText, toast, when } from "./common.js";

const STATUSES = { REQUESTED: "Diminta", HANDED_OVER: "Diserahkan ke CS", CLOSED: "Selesai", CANCELLED: "Dibatalkan" };
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
  const filter = h("select", { class: "input input-small", id: "drop-status", "aria-label": "Status" },
    Object.entries(STATUSES).map(([value, label]) => h("option", { value, selected: value === status }, label)));
  filter.addEventListener("change", () => { status = filter.value; refresh(); });

  async function refresh() {
    if (returning) return;
    try {
      const { drop_orders: drops } = await api.call("GET", `/inventory/drop-orders?status=${status}`);
      replace(queue, drops.length ? drops.map(card) : h("p", { class: "empty" }, `Tidak ada drop order berstatus ${STATUSES[status].toLowerCase()}.`));
    } catch (err) {
      replace(queue, h("p", { class: "form-error" }, errorText(err)));
    }
  }

  async function act(drop, path, done) {
    try {
      await api.call("POST", `/inventory/drop-orders/${drop.drop_id}/${path}`);
      toast(done);
    } catch (err) {
      toast(errorText(err), "error");
    }
    refresh();
  }

  function card(drop) {
    const actions = [];
    if (drop.status === "REQUESTED" && canFulfil) {
      actions.push(h("button", { type: "button", class: "btn btn-primary",
        onclick: () => act(drop, "handover", `${drop.drop_no} diserahkan ke CS.`) }, "Serahkan ke CS"));
    }
    if (drop.status === "REQUESTED") {
      actions.push(h("button", { type: "button", class: "btn btn-danger-outline",
        onclick: () => act(drop, "cancel", `${drop.drop_no} dibatalkan.`) }, "Batalkan"));
    }
    if (drop.status === "HANDED_OVER" && canFulfil) {
      actions.push(h("button", { type: "button", class: "btn btn-secondary", onclick: () => startReturn(drop, el) }, "Scan retur"));
    }
    const el = h("article", { class: "card", dataset: { drop: drop.drop_id } },
      h("div", { class: "card-head" }, h("h3", {}, drop.drop_no), badge(drop.status, STATUSES[drop.status])),
      h("ul", {}, drop.lines.map((l) => h("li", {}, h("strong", {}, `${l.qty} × ${l.sku}`), ` ${l.name}`,
        drop.returned?.[l.sku] ? h("span", { class: "muted" }, ` (kembali ${drop.returned[l.sku]})`) : null))),
      drop.note ? h("p", { class: "hint" }, `Catatan: ${drop.note}`) : null,
      h("p", { class: "hint" }, `Diminta ${when(drop.requested_at)}`,
        drop.handed_at ? ` · diserahkan ${when(drop.handed_at)}` : "", drop.closed_at ? ` · ditutup ${when(drop.closed_at)}` : ""),
      actions.length ? h("div", { class: "actions" }, actions) : null);
    return el;
  }

  function startReturn(drop, el) {
    returning = drop.drop_id;
    const picker = new ItemPicker({ qtyLabel: "Jumlah kembali" });
    scanTarget = picker;
    const error = h("p", { class: "form-error", role: "alert" });
    const close = () => { returning = null; scanTarget = canRequest ? requestPicker : null; refresh(); };
    el.append(h("form", { class: "card", onsubmit: async (event) => {
      event.preventDefault();
      if (!picker.lines.length) {
        error.textContent = "Scan barang yang dikembalikan.";
        return;
      }
      try {
        const result = await intentFor(drop.drop_id).run((key) => api.call("POST", `/inventory/drop-orders/${drop.drop_id}/return`, {
          body: { items: picker.lines.map((l) => ({ sku: l.sku, qty: l.qty })) }, idempotencyKey: key }));
        if (result) {
          toast(`${drop.drop_no}: ${result.status === "CANCELLED" ? "semua barang kembali, drop order dibatalkan" : "retur disimpan, drop order selesai"}.`);
          close();
        }
      } catch (err) {
        error.textContent = errorText(err);
      }
    } },
    h("h3", {}, "Scan barang yang kembali ke gudang"),
    picker.el, error,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "btn btn-primary" }, "Simpan retur"),
      h("button", { type: "button", class: "btn btn-secondary", onclick: close }, "Batal"))));
  }

  const requestPicker = canRequest ? new ItemPicker() : null;
  scanTarget = requestPicker;
  const note = h("input", { class: "input input-small", maxlength: 200, placeholder: "mis. untuk chat Bu Rina" });
  const requestError = h("p", { class: "form-error", role: "alert" });
  const request = canRequest ? h("form", { class: "panel", onsubmit: async (event) => {
    event.preventDefault();
    requestError.textContent = "";
    if (!requestPicker.lines.length) {
      requestError.textContent = "Tambahkan barang dulu.";
      return;
    }
    try {
      const drop = await intentFor("new").run((key) => api.call("POST", "/inventory/drop-orders", {
        body: { items: requestPicker.lines.map((l) => ({ sku: l.sku, qty: l.qty })), note: note.value.trim() || null },
        idempotencyKey: key }));
      if (drop) {
        toast(`Permintaan ${drop.drop_no} dikirim ke gudang.`);
        requestPicker.clear();
        note.value = "";
        refresh();
      }
    } catch (err) {
      requestError.textContent = errorText(err);
    }
  } },
  h("h2", {}, "Minta barang ke gudang"),
  requestPicker.el,
  h("label", { class: "field" }, h("span", { class: "field-label" }, "Catatan"), note),
  requestError,
  h("button", { type: "submit", class: "btn btn-primary" }, "Kirim drop order")) : null;

  replace(root, h("div", { class: canRequest ? "grid-2" : "" },
    request,
    h("section", { class: "panel" },
      h("div", { class: "toolbar" }, h("h2", {}, "Antrian drop order"), filter),
      h("p", { class: "hint" }, "Diperbarui otomatis setiap beberapa detik."),
      queue)));
  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => { clearInterval(timer); scanTarget = null; };
}
