// Pengiriman: shipments with status, AWB and label filters (booking problems fixed in place), AWB
// scan-in, and printing every label not printed yet. A section of the back office
// (../backoffice/shell.js), which signs in and calls the API through ../js/api.js.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { displayPhone, formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import { errorLine, errorText, subTabs, toast, when } from "../backoffice/common.js";

const LABELS_TIMEOUT_MS = 30000; // a batch of labels renders on the server before it answers
const BOOKING_ROLES = new Set(["cs", "admin"]); // retrying a booking or going manual

const STATUS_FILTERS = [
  ["", "bo.ship.filter.allStatuses"], ["requested", "bo.ship.filter.requested"],
  ["confirmed,scheduled,allocated", "bo.ship.filter.confirmed"],
  ["picking_up,picked,dropping_off,on_hold", "bo.ship.filter.onTheWay"], ["delivered", "bo.ship.filter.delivered"],
  ["cancelled,rejected,courier_not_found,return_in_transit,returned,disposed", "bo.ship.filter.cancelled"],
  ["error", "bo.ship.filter.error"],
];
const AWB_FILTERS = [["", "bo.ship.filter.all"], ["missing", "bo.ship.filter.awbMissing"], ["present", "bo.ship.filter.awbPresent"]];
const LABEL_FILTERS = [["", "bo.ship.filter.all"], ["unprinted", "bo.ship.filter.unprinted"], ["printed", "bo.ship.filter.printed"]];
const LABEL_SIZES = [["", "bo.ship.size.store"], ["100x150", "bo.ship.size.100x150"], ["80", "bo.ship.size.80"],
  ["58", "bo.ship.size.58"]];
const STATUS_TONE = {
  requested: "warn", delivered: "", cancelled: "bad", rejected: "bad", courier_not_found: "bad", disposed: "bad",
  returned: "bad", return_in_transit: "bad", on_hold: "warn",
};
const BOOKING_NOTE = { retrying: "bo.ship.booking.retrying", parked: "bo.ship.booking.parked", pending: "bo.ship.booking.pending" };

const select = (id, choices) => h("select", { class: "input input-small", id },
  choices.map(([value, key]) => h("option", { value }, t(key))));
const field = (label, control, extra = "") => h("label", { class: `field ${extra}` }, h("span", { class: "field-label" }, label), control);

export function mount(root, me) {
  const state = { cursor: null };

  // ---- shipments ------------------------------------------------------------------------------
  const status = select("f-status", STATUS_FILTERS);
  const awbFilter = select("f-awb", AWB_FILTERS);
  const labelFilter = select("f-label", LABEL_FILTERS);
  const q = h("input", { class: "input input-small", id: "f-q", type: "search", autocomplete: "off",
    placeholder: t("bo.ship.searchPlaceholder") });
  const filters = h("form", { class: "filters", id: "filters" },
    field(t("bo.common.status"), status), field(t("bo.ship.awb"), awbFilter), field(t("bo.ship.label"), labelFilter),
    field(t("bo.ship.search"), q, "grow"));
  const listError = errorLine();
  const actionError = errorLine(); // a retry, manual booking or reprint that failed, until one works
  const shipments = h("ul", { class: "shipments", id: "shipments", "aria-live": "polite" });
  const more = h("button", { type: "button", class: "btn btn-secondary", id: "more", hidden: true }, t("bo.common.loadMore"));
  const unprintedBadge = h("span", { class: "count-badge", id: "unprinted-badge", hidden: true });
  const labelsCount = h("p", { class: "lead", id: "labels-count" });
  const labelSize = select("label-size", LABEL_SIZES);

  function listQuery() {
    const params = new URLSearchParams();
    if (status.value === "error") params.set("booking", "error");
    else if (status.value) params.set("status", status.value);
    if (awbFilter.value) params.set("awb", awbFilter.value);
    if (labelFilter.value) params.set("label", labelFilter.value);
    if (q.value.trim()) params.set("q", q.value.trim());
    if (state.cursor) params.set("cursor", state.cursor);
    return params.toString();
  }

  async function loadShipments({ append = false } = {}) {
    if (!append) state.cursor = null;
    try {
      const data = await api.call("GET", `/shipping/shipments?${listQuery()}`);
      listError.textContent = "";
      const items = data.shipments.map(shipmentItem);
      if (append) shipments.append(...items);
      else replace(shipments, items.length ? items : h("li", { class: "muted" }, t("bo.ship.none")));
      state.cursor = data.next_cursor;
      more.hidden = !data.next_cursor;
      setUnprinted(data.unprinted);
    } catch (err) {
      listError.textContent = errorText(err);
    }
  }

  function setUnprinted(count) {
    unprintedBadge.hidden = count === 0;
    unprintedBadge.textContent = String(count);
    labelsCount.textContent = count === 0 ? t("bo.ship.labels.allPrinted") : t("bo.ship.labels.unprinted", { count });
  }

  function labelTag(label) {
    if (label.queued && label.reprint_reason) return h("span", { class: "tag warn" }, t("bo.ship.tag.reprintNeeded"));
    if (label.queued) return h("span", { class: "tag warn" }, t("bo.ship.tag.notPrinted"));
    if (label.printed) return h("span", { class: "tag" }, t("bo.ship.tag.printed", { count: label.print_count }));
    return h("span", { class: "tag info" }, t("bo.ship.tag.noLabel"));
  }

  /** Runs a button's action once at a time, then redraws the shipment from the server's answer. */
  async function act(button, s, run) {
    if (button.disabled) return;
    button.disabled = true;
    try {
      const view = await run();
      actionError.textContent = "";
      shipments.querySelector(`[data-shipment="${s.shipment_id}"]`)?.replaceWith(shipmentItem(view));
    } catch (err) {
      actionError.textContent = errorText(err);
    } finally {
      button.disabled = false;
    }
  }

  function problemBox(s) {
    const fixes = {};
    const fields = [];
    if (s.error.code === "recipient_postal_code_missing") {
      fields.push(field(t("bo.ship.fix.postalCode"),
        fixes.postal_code = h("input", { class: "input input-small", inputmode: "numeric", maxlength: "5", pattern: "\\d{5}" })));
    }
    if (["courier_choice_missing", "courier_service_unavailable", "invalid_courier"].includes(s.error.code)) {
      fields.push(field(t("bo.ship.fix.courier"), fixes.courier_company = h("input", { class: "input input-small",
        value: s.courier.company || "", placeholder: "jne" })));
      fields.push(field(t("bo.ship.fix.service"), fixes.courier_type = h("input", { class: "input input-small",
        value: s.courier.type || "", placeholder: "reg" })));
    }
    const canAct = BOOKING_ROLES.has(me.role);
    const retry = h("button", { type: "button", class: "btn btn-danger", hidden: !canAct }, t("bo.ship.retry"));
    const manual = h("button", { type: "button", class: "btn btn-link", hidden: !canAct }, t("bo.ship.manual"));
    retry.addEventListener("click", () => act(retry, s, async () => {
      const body = {};
      for (const [name, input] of Object.entries(fixes)) if (input.value.trim()) body[name] = input.value.trim();
      const view = await api.call("POST", `/shipping/shipments/${s.shipment_id}/retry`, { body });
      toast(view.booking === "booked" ? t("bo.ship.booked", { orderNo: view.order_no }) : view.error?.message || t("bo.ship.notYet"));
      return view;
    }));
    manual.addEventListener("click", () => act(manual, s, async () => {
      const view = await api.call("POST", `/shipping/shipments/${s.shipment_id}/manual`);
      toast(t("bo.ship.madeManual", { orderNo: view.order_no }));
      return view;
    }));
    return h("div", { class: "problem", role: "alert" },
      h("strong", {}, s.error.message),
      h("span", {}, BOOKING_NOTE[s.booking] ? t(BOOKING_NOTE[s.booking]) : ""),
      h("div", { class: "fix" }, fields, retry, manual));
  }

  function shipmentItem(s) {
    const reprint = h("button", { type: "button", class: "btn btn-secondary" },
      t(s.label.printed ? "bo.ship.reprintLabel" : "bo.ship.printLabel"));
    reprint.addEventListener("click", () => act(reprint, s, async () => {
      const size = labelSize.value;
      const result = await api.call("POST", `/shipping/shipments/${s.shipment_id}/label/reprint`, {
        body: size ? { size } : {}, idempotencyKey: crypto.randomUUID(),
      });
      toast(t("bo.ship.labelSent", { orderNo: s.order_no }));
      return result.shipment;
    }));
    return h("li", { class: "shipment", dataset: { shipment: s.shipment_id } },
      h("div", {},
        h("div", { class: "head" },
          h("span", { class: "order" }, s.order_no),
          h("span", { class: `tag ${STATUS_TONE[s.status] ?? ""}` }, s.status_label),
          s.mode === "manual" ? h("span", { class: "tag info" }, t("bo.ship.tag.manual")) : null,
          s.test_mode ? h("span", { class: "tag warn" }, t("bo.ship.tag.testMode")) : null),
        h("div", {}, `${s.recipient.name || "-"} · ${s.recipient.phone ? displayPhone(s.recipient.phone) : "-"} · `,
          h("strong", {}, s.courier.label)),
        h("div", {}, `${t("bo.ship.awb")}: `, s.awb ? h("span", { class: "awb" }, s.awb)
          : h("span", { class: "awb missing" }, t("bo.ship.awbWaiting"))),
        h("div", { class: "muted" }, s.recipient.address || ""),
        h("div", { class: "muted" }, `${when(s.created_at)} · ${(s.weight_g / 1000).toLocaleString("id-ID")} kg`,
          s.price ? ` · ${t("bo.ship.fee", { fee: formatRupiah(s.price) })}` : "")),
      h("div", { class: "side" },
        labelTag(s.label),
        s.label.reprint_reason ? h("span", { class: "muted" }, s.label.reprint_reason) : null,
        reprint),
      s.error && s.booking !== "booked" && s.booking !== "manual" ? problemBox(s) : null);
  }

  filters.addEventListener("change", () => loadShipments());
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    loadShipments();
  });
  q.addEventListener("keydown", (event) => { // a scanner types the AWB or order number, then Enter
    if (event.key !== "Enter") return;
    event.preventDefault();
    loadShipments();
  });
  more.addEventListener("click", () => loadShipments({ append: true }));

  // ---- AWB scan-in ----------------------------------------------------------------------------
  const scanRows = []; // {order_no, awb, replace, result}
  const scanOrder = h("input", { class: "input input-small", id: "scan-order", required: true });
  const scanAwb = h("input", { class: "input input-small", id: "scan-awb", required: true });
  const scanReplace = h("input", { type: "checkbox", class: "checkbox", id: "scan-replace" });
  const scanBody = h("tbody", { id: "scan-rows" });
  const scanSave = h("button", { type: "button", class: "btn btn-primary btn-lg", id: "scan-save", disabled: true },
    t("bo.ship.scan.save"));
  const scanError = errorLine();

  function drawScanRows() {
    replace(scanBody, scanRows.map((row, index) => {
      const remove = h("button", { type: "button", class: "btn btn-link", "aria-label": t("bo.picker.removeItem", { sku: row.order_no }),
        onclick: () => { scanRows.splice(index, 1); drawScanRows(); } }, t("bo.common.remove"));
      const result = row.result;
      return h("tr", {},
        h("td", {}, row.order_no),
        h("td", { class: "awb" }, row.awb),
        h("td", { class: result ? (result.ok ? "ok" : "bad") : "" },
          result ? (result.ok ? t(result.outcome === "unchanged" ? "bo.ship.scan.unchanged" : "bo.ship.scan.saved") : result.message)
            : t("bo.ship.scan.notSaved")),
        h("td", {}, remove));
    }));
    scanSave.disabled = !scanRows.some((row) => !row.result?.ok);
  }

  scanOrder.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    if (scanOrder.value.trim()) scanAwb.focus();
  });
  scanAwb.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const orderNo = scanOrder.value.trim().toUpperCase();
    const awb = scanAwb.value.trim();
    if (!orderNo) {
      scanOrder.focus();
      return;
    }
    if (!awb) return;
    scanRows.push({ order_no: orderNo, awb, replace: scanReplace.checked, result: null });
    scanOrder.value = "";
    scanAwb.value = "";
    scanOrder.focus();
    drawScanRows();
  });
  scanSave.addEventListener("click", async () => {
    const pending = scanRows.filter((row) => !row.result?.ok);
    if (!pending.length) return;
    scanSave.disabled = true;
    try {
      const body = { rows: pending.map((row) => ({ order_no: row.order_no, awb: row.awb, ...(row.replace ? { replace: true } : {}) })) };
      const answer = await api.call("POST", "/shipping/awb-batch", { body });
      scanError.textContent = "";
      answer.results.forEach((result, index) => { pending[index].result = result; });
      toast(t(answer.refused ? "bo.ship.scan.savedSomeRefused" : "bo.ship.scan.savedAll",
        { saved: answer.saved, refused: answer.refused }));
      loadShipments();
    } catch (err) {
      scanError.textContent = errorText(err);
    }
    drawScanRows();
  });
  const scanClear = h("button", { type: "button", class: "btn btn-link", id: "scan-clear", onclick: () => {
    scanRows.splice(0, scanRows.length);
    drawScanRows();
    scanOrder.focus();
  } }, t("bo.ship.scan.clear"));

  // ---- labels ---------------------------------------------------------------------------------
  let printKey = null; // kept until the server answers, so a lost answer is retried as the same click
  const printResult = h("p", { class: "notice", role: "status", id: "print-result", hidden: true });
  const printError = errorLine();
  const printAll = h("button", { type: "button", class: "btn btn-primary btn-xl", id: "print-all" }, t("bo.ship.labels.printAll"));
  printAll.addEventListener("click", async () => {
    if (printAll.disabled) return;
    printAll.disabled = true;
    printResult.hidden = true;
    printKey ??= crypto.randomUUID();
    try {
      const size = labelSize.value;
      const result = await api.call("POST", "/shipping/labels/print-unprinted",
        { body: size ? { size } : {}, idempotencyKey: printKey, timeoutMs: LABELS_TIMEOUT_MS });
      printKey = null;
      printError.textContent = "";
      const sizeName = result.size === "100x150" ? "100 x 150 mm" : `${result.size} mm`;
      printResult.textContent = t("bo.ship.labels.sent", { count: result.printed, size: sizeName })
        + (result.remaining ? ` ${t("bo.ship.labels.remaining", { count: result.remaining })}` : "");
      printResult.hidden = false;
    } catch (err) {
      if (err.status !== 0) printKey = null;
      if (err.code === "no_unprinted_labels") {
        printError.textContent = "";
        printResult.textContent = errorText(err);
        printResult.hidden = false;
      } else {
        printError.textContent = errorText(err);
      }
    } finally {
      printAll.disabled = false;
      loadShipments();
    }
  });

  // ---- views ----------------------------------------------------------------------------------
  const panels = {
    list: h("section", { id: "panel-list", role: "tabpanel", "aria-labelledby": "tab-list" },
      filters, listError, actionError, shipments, more),
    scan: h("section", { id: "panel-scan", role: "tabpanel", "aria-labelledby": "tab-scan", hidden: true },
      h("p", { class: "hint" }, t("bo.ship.scan.hint")),
      h("form", { class: "filters", autocomplete: "off", onsubmit: (event) => event.preventDefault() },
        field(t("bo.recon.match.orderNoShort"), scanOrder, "grow"), field(t("bo.ship.scan.awbNo"), scanAwb, "grow"),
        h("label", { class: "check" }, scanReplace, t("bo.ship.scan.replace"))),
      h("table", { class: "table" },
        h("thead", {}, h("tr", {}, h("th", {}, t("bo.recon.match.orderNoShort")), h("th", {}, t("bo.ship.scan.awbNo")),
          h("th", {}, t("bo.ship.scan.result")), h("th", {}))),
        scanBody),
      h("div", { class: "actions actions-start" }, scanSave, scanClear),
      scanError),
    labels: h("section", { id: "panel-labels", role: "tabpanel", "aria-labelledby": "tab-labels", hidden: true },
      labelsCount, field(t("bo.ship.labels.size"), labelSize), printAll, printResult, printError),
  };
  const tabs = subTabs([
    { id: "list", label: t("bo.ship.tab.list") },
    { id: "scan", label: t("bo.ship.tab.scan") },
    { id: "labels", label: t("bo.ship.tab.labels"), extra: [" ", unprintedBadge] },
  ], "list", (id) => {
    tabs.select(id);
    for (const [name, panel] of Object.entries(panels)) panel.hidden = name !== id;
    if (id === "scan") scanOrder.focus();
  }, t("bo.nav.shipping"));

  replace(root, h("div", { class: "panel" }, tabs, ...Object.values(panels)));
  drawScanRows();
  loadShipments();
}
