// Buka / tutup kasir: open a shift with the opening float (kas awal), record cash in and out with a
// reason, and close it by counting the drawer. The expected totals per payment method, and the
// refunds and voids paid out per tender (only cash ones leave the drawer), come from the server; a
// selisih over the store's allowance needs an admin's PIN. The closing report prints on
// the receipt printer and can be downloaded again. A section of the back office (../backoffice/shell.js).
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import { errorLine, errorText, parseRupiah, rupiahInput, saveFile, toast, when } from "../backoffice/common.js";

const METHOD_LABELS = { CASH: "bo.shift.method.cash", QRIS: "bo.shift.method.qris", BANK_TRANSFER: "bo.shift.method.transfer" };

let page = null; // this section's element, given by the shell
// One Idempotency-Key per cashier intent, kept across retries of a lost answer.
const intents = { open: new api.Intent(), cash: new api.Intent(), close: new api.Intent() };

const methodName = (m) => (METHOD_LABELS[m.method] ? t(METHOD_LABELS[m.method]) : m.method);
const methodLabel = (m) => (m.issuer ? `${methodName(m)} – ${m.issuer}` : methodName(m));

function signedRupiah(amount) {
  return amount > 0 ? `+${formatRupiah(amount)}` : formatRupiah(amount);
}

function differenceNote(amount) {
  if (amount > 0) return t("bo.shift.over");
  if (amount < 0) return t("bo.shift.short");
  return t("bo.shift.exact");
}

function rows(pairs, totalIndex = -1) {
  return h("table", { class: "figures" }, h("tbody", {}, pairs.map(([label, value], i) =>
    h("tr", { class: i === totalIndex ? "total" : "" }, h("th", { scope: "row" }, label), h("td", { class: "num" }, value)))));
}

/** The current shift, or the form to open one; `message` says why it is shown again. */
async function load(message = "") {
  try {
    const { shift } = await api.call("GET", "/shifts/current");
    if (shift) showShift(shift, message);
    else showOpen(message);
  } catch (err) {
    replace(page, errorLine(errorText(err)));
  }
}

// ---- opening ------------------------------------------------------------------------------------

function showOpen(message = "") {
  const amount = rupiahInput({ id: "opening-float", required: true, value: "0" });
  const error = errorLine(message);
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, t("bo.shift.open"));
  replace(page, h("form", { class: "panel narrow", onsubmit: onSubmit },
    h("h2", {}, t("bo.shift.open")),
    h("p", { class: "lead" }, t("bo.shift.openLead")),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.shift.openingFloat")), amount),
    error, submit));

  async function onSubmit(event) {
    event.preventDefault();
    const value = parseRupiah(amount.value);
    if (value === null) {
      error.textContent = t("bo.shift.badOpeningFloat");
      return;
    }
    submit.disabled = true;
    try {
      const shift = await intents.open.run((key) => api.call("POST", "/shifts", { body: { opening_float: value }, idempotencyKey: key }));
      if (shift) showShift(shift);
    } catch (err) {
      error.textContent = errorText(err);
      submit.disabled = false;
    }
  }
}

// ---- an open shift ------------------------------------------------------------------------------

/** Refunds and voids paid out on the shift, per tender, their total and the net sales; or a hint. */
function refundRows(shift) {
  if (!shift.refunds.count) return h("p", { class: "hint" }, t("bo.shift.noRefunds"));
  const lines = shift.refunds.by_tender.map((m) => [t("bo.shift.methodTrx", { method: methodName(m), count: m.count }),
    formatRupiah(-m.amount)]);
  lines.push([t("bo.shift.totalTrx", { count: shift.refunds.count }), formatRupiah(-shift.refunds.total)]);
  lines.push([t("bo.shift.netSales"), formatRupiah(shift.net_total)]);
  return h("div", {}, rows(lines, lines.length - 2), h("p", { class: "hint" }, t("bo.shift.refundsNote")));
}

function showShift(shift, message = "") {
  const sales = shift.sales.by_method.map((m) => [t("bo.shift.methodTrx", { method: methodLabel(m), count: m.count }),
    formatRupiah(m.amount)]);
  sales.push([t("bo.shift.totalTrx", { count: shift.sales.count }), formatRupiah(shift.sales.total)]);
  const drawer = [
    [t("bo.shift.openingFloatShort"), formatRupiah(shift.opening_float)], [t("bo.shift.cashSales"), formatRupiah(shift.cash_sales)],
    [t("bo.shift.cashRefunds"), formatRupiah(-shift.cash_refunds)],
    [t("bo.shift.cashIn"), formatRupiah(shift.cash_in)], [t("bo.shift.cashOut"), formatRupiah(-shift.cash_out)],
    [t("bo.shift.expectedCash"), formatRupiah(shift.expected_cash)],
  ];
  const movements = shift.movements.length
    ? h("ul", {}, shift.movements.map((m) => h("li", {}, `${when(m.at)} · ${m.reason} · ${signedRupiah(m.amount)}`)))
    : h("p", { class: "hint" }, t("bo.shift.noMovements"));
  replace(page,
    h("section", { class: "panel" },
      h("div", { class: "row" },
        h("h2", {}, t("bo.shift.title", { code: shift.shift_code, name: shift.staff_name })),
        h("button", { type: "button", class: "btn btn-secondary", onclick: () => load() }, t("bo.common.reload"))),
      h("p", { class: "hint" }, t("bo.shift.openedAt", { at: when(shift.opened_at) })),
      errorLine(message)),
    h("div", { class: "grid-auto" },
      h("section", { class: "panel" }, h("h2", {}, t("bo.shift.salesByMethod")), rows(sales, sales.length - 1),
        h("h3", {}, t("bo.shift.refunds")), refundRows(shift)),
      h("section", { class: "panel" }, h("h2", {}, t("bo.shift.drawer")), rows(drawer, drawer.length - 1),
        h("h3", {}, t("bo.shift.movements")), movements)),
    h("div", { class: "grid-auto" }, movementForm(shift), closeForm(shift)));
}

function movementForm(shift) {
  const direction = h("select", { class: "input", id: "cash-direction" },
    h("option", { value: "in" }, t("bo.shift.in")), h("option", { value: "out" }, t("bo.shift.out")));
  const amount = rupiahInput({ id: "cash-amount", required: true });
  const reason = h("input", { class: "input", id: "cash-reason", maxlength: 80, required: true,
    placeholder: t("bo.shift.reasonPlaceholder") });
  const error = errorLine();
  const submit = h("button", { type: "submit", class: "btn btn-secondary" }, t("bo.shift.record"));
  return h("form", { class: "panel", onsubmit: onSubmit },
    h("h2", {}, t("bo.shift.movements")),
    h("div", { class: "movement-form" },
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.stock.adjust.kind")), direction),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.shift.amount")), amount),
      h("label", { class: "field field-wide" }, h("span", { class: "field-label" }, t("bo.stock.reason")), reason)),
    error, submit);

  async function onSubmit(event) {
    event.preventDefault();
    const value = parseRupiah(amount.value);
    if (!value) {
      error.textContent = t("bo.shift.badAmount");
      return;
    }
    submit.disabled = true;
    try {
      const body = { direction: direction.value, amount: value, reason: reason.value };
      const updated = await intents.cash.run((key) => api.call("POST", `/shifts/${shift.shift_id}/cash`, { body, idempotencyKey: key }));
      if (updated) {
        toast(t(direction.value === "in" ? "bo.shift.inRecorded" : "bo.shift.outRecorded"));
        showShift(updated);
      }
    } catch (err) {
      error.textContent = errorText(err);
      submit.disabled = false;
    }
  }
}

function closeForm(shift) {
  const counted = rupiahInput({ id: "counted-cash", required: true });
  const note = h("textarea", { class: "input", id: "close-note", maxlength: 300, rows: 2,
    placeholder: t("bo.shift.notePlaceholder") });
  const difference = h("p", { class: "difference", "aria-live": "polite" });
  const approval = h("div", { class: "approval", hidden: true });
  const admin = h("select", { class: "input", id: "approver" });
  const pin = h("input", { class: "input", id: "approver-pin", type: "password", inputmode: "numeric",
    autocomplete: "off", maxlength: 6, pattern: "[0-9]{6}" });
  replace(approval,
    h("p", { class: "notice" }, t("bo.shift.overAllowance", { allowance: formatRupiah(shift.allowance) })),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("role.admin")), admin),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.shift.adminPin")), pin));
  const error = errorLine();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, t("bo.shift.close"));

  let admins = null;
  async function needApproval(show) {
    approval.hidden = !show;
    pin.required = show;
    if (!show || admins) return;
    try {
      admins = (await api.loginChoices()).staff.filter((s) => s.role === "admin");
      replace(admin, admins.map((s) => h("option", { value: s.staff_id }, s.name)));
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  counted.addEventListener("input", () => {
    const value = parseRupiah(counted.value);
    if (value === null) {
      difference.textContent = "";
      return;
    }
    const selisih = value - shift.expected_cash;
    difference.textContent = t("bo.shift.difference", { amount: signedRupiah(selisih), note: differenceNote(selisih) });
    difference.dataset.sign = selisih < 0 ? "minus" : selisih > 0 ? "plus" : "zero";
    needApproval(Math.abs(selisih) > shift.allowance);
  });

  async function onSubmit(event) {
    event.preventDefault();
    const value = parseRupiah(counted.value);
    if (value === null) {
      error.textContent = t("bo.shift.badCounted");
      return;
    }
    const body = { counted_cash: value, note: note.value.trim() || null };
    if (!approval.hidden) Object.assign(body, { approver_staff_id: admin.value, approver_pin: pin.value });
    submit.disabled = true;
    error.textContent = "";
    try {
      const closed = await intents.close.run((key) => api.call("POST", `/shifts/${shift.shift_id}/close`, { body, idempotencyKey: key }));
      if (closed) showClosed(closed);
    } catch (err) {
      submit.disabled = false;
      pin.value = "";
      if (err.code === "approval_required") {
        await needApproval(true);
        error.textContent = err.message;
      } else if (err.code === "shift_changed") {
        await load(errorText(err));
      } else {
        error.textContent = errorText(err);
      }
    }
  }

  return h("form", { class: "panel", onsubmit: onSubmit },
    h("h2", {}, t("bo.shift.close")),
    h("p", { class: "hint" }, t("bo.shift.closeHint", { expected: formatRupiah(shift.expected_cash) })),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.shift.counted")), counted),
    difference,
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.common.note")), note),
    approval, error, submit);
}

// ---- closed -------------------------------------------------------------------------------------

function showClosed(shift) {
  const facts = [
    [t("bo.shift.refunds"), formatRupiah(-shift.refunds.total)], [t("bo.shift.cashRefunds"), formatRupiah(-shift.cash_refunds)],
    [t("bo.shift.expectedCash"), formatRupiah(shift.expected_cash)], [t("bo.shift.countedShort"), formatRupiah(shift.counted_cash)],
    [t("bo.shift.differenceShort"), `${signedRupiah(shift.difference)} (${differenceNote(shift.difference)})`],
  ];
  if (shift.approved_by_name) facts.push([t("bo.shift.approved"), `${shift.approved_by_name}, ${when(shift.approved_at)}`]);
  if (shift.note) facts.push([t("bo.common.note"), shift.note]);
  const error = errorLine();
  const reprint = h("button", { type: "button", class: "btn btn-secondary" }, t("bo.shift.reprint"));
  reprint.addEventListener("click", async () => {
    reprint.disabled = true;
    try {
      await api.call("POST", `/shifts/${shift.shift_id}/print`);
      error.textContent = "";
      toast(t("bo.shift.reprinted"));
    } catch (err) {
      error.textContent = errorText(err);
    }
    reprint.disabled = false;
  });
  const pdf = h("button", { type: "button", class: "btn btn-secondary", id: "shift-pdf" }, t("bo.reports.download", { kind: "PDF" }));
  pdf.addEventListener("click", () => saveFile(`/shifts/${shift.shift_id}/report.pdf`, "tutup-kasir.pdf")
    .then(() => { error.textContent = ""; }, (err) => { error.textContent = errorText(err); }));
  replace(page, h("section", { class: "panel narrow" },
    h("h2", {}, t("bo.shift.closed", { code: shift.shift_code })),
    h("p", { class: "lead" }, `${when(shift.opened_at)} – ${when(shift.closed_at)}`),
    rows(facts),
    h("p", { class: "hint" }, t("bo.shift.closedHint")),
    h("div", { class: "actions" }, reprint, pdf,
      h("button", { type: "button", class: "btn btn-primary", onclick: () => showOpen() }, t("bo.shift.openNew"))),
    error));
  toast(t("bo.shift.closedToast"));
}

export async function mount(view) {
  page = view;
  await load();
}
