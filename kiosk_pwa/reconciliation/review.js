// Rows the matcher left for a person, with the reason and ranked suggestions; matching by hand
// (one credit to several orders, several credits to one order, amounts that must add up exactly);
// and proposed auto-matches waiting for CS to confirm or reject; a row that pays no order is given
// back or set aside (rowactions.js). A confirmation or hand-match one
// person could forge (their own upload, any hand-match above the store's threshold, a file that
// breaks the account's balance chain) is answered `approval_required`: a dialog then asks for an
// admin's PIN and sends it again.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import { attempt, badge, errorLine, errorText, parseRupiah, rupiahDigits, rupiahInput, session, toast } from "../backoffice/common.js";
import { asideForm, bulkButton, opener, refundForm } from "./rowactions.js";

const SIGNALS = { exact_amount: "bo.recon.signal.exactAmount", amount_without_code: "bo.recon.signal.withoutCode",
  order_no: "bo.recon.signal.orderNo", name: "bo.recon.signal.name", date: "bo.recon.signal.date" };

/** Exact sen (balances) -> "Rp5.001.111" or "Rp5.001.111,50". */
function senLabel(value) {
  const rupiah = formatRupiah(Math.trunc(value / 100));
  const sen = Math.abs(value % 100);
  return sen ? `${rupiah},${String(sen).padStart(2, "0")}` : rupiah;
}

/** Why a file is on review although it adds up: its opening balance does not continue the stored one. */
export function balanceBreak(check) {
  if (!check || check.status !== "discontinuous") return null;
  const day = check.previous_day ? check.previous_day.split("-").reverse().join("/") : "";
  const text = check.opening === null
    ? t("bo.recon.balance.noBalance", { day, expected: senLabel(check.expected) })
    : t("bo.recon.balance.discontinuous", { opening: senLabel(check.opening), day, expected: senLabel(check.expected) });
  return h("p", { class: "reason balance-break" }, text);
}

const REASONS = { own_upload: "bo.recon.approval.reason.ownUpload", hand_match: "bo.recon.approval.reason.handMatch",
  balance_discontinuity: "bo.recon.approval.reason.balance" };

/** What an approval is for, in the person's language: reasons, amount and the store's threshold. */
function approvalReasons(need) {
  return need.reasons.map((r) => (REASONS[r] ? t(REASONS[r], { amount: formatRupiah(need.amount),
    threshold: formatRupiah(need.threshold) }) : r));
}

let admins = null; // the store's admins, read once per page from the paired device's list of names

/**
 * Asks for an admin's PIN in a dialog and calls `send(approval)` with `{staff_id, pin}` until it works
 * (resolves with its result) or the person cancels (resolves undefined). A wrong PIN, the uploader
 * approving their own file or a locked admin is told inside the dialog; other errors reject.
 */
function approvalDialog(need, send) {
  const me = session.me?.staff_id;
  const who = h("select", { class: "input", id: "approval-admin", "aria-label": t("role.admin") });
  const pin = h("input", { class: "input", id: "approval-pin", type: "password", inputmode: "numeric",
    autocomplete: "off", maxlength: 6, pattern: "[0-9]{6}", required: true, "aria-label": t("bo.recon.approval.pin") });
  const error = errorLine();
  const approve = h("button", { type: "submit", class: "btn btn-primary", disabled: true }, t("bo.recon.approval.approve"));
  const cancel = h("button", { type: "button", class: "btn btn-secondary" }, t("bo.common.cancel"));
  const dialog = h("dialog", { class: "approval-dialog", "aria-labelledby": "approval-title" });
  return new Promise((resolve, reject) => {
    const close = (settle) => { dialog.close(); dialog.remove(); settle(); };
    cancel.addEventListener("click", () => close(() => resolve(undefined)));
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); close(() => resolve(undefined)); });
    const form = h("form", { method: "dialog", onsubmit: async (event) => {
      event.preventDefault();
      if (!/^\d{6}$/.test(pin.value)) {
        error.textContent = t("bo.recon.approval.pinFormat");
        return;
      }
      approve.disabled = true;
      try {
        const result = await send({ staff_id: who.value, pin: pin.value });
        close(() => resolve(result));
      } catch (err) {
        approve.disabled = false;
        pin.value = "";
        const refused = err instanceof api.ApiError && (err.status === 403 || err.status === 423 || err.code === "invalid_pin_format");
        if (refused) {
          error.textContent = errorText(err);
          pin.focus();
        } else {
          close(() => reject(err));
        }
      }
    } },
    h("h2", { id: "approval-title" }, t("bo.recon.approval.title")),
    h("ul", { class: "approval-reasons" }, approvalReasons(need).map((text) => h("li", {}, text))),
    need.second_person ? h("p", { class: "notice" }, t("bo.recon.approval.secondPerson")) : null,
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("role.admin")), who),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.recon.approval.pin")), pin),
    error,
    h("div", { class: "actions" }, approve, cancel));
    replace(dialog, form);
    document.body.append(dialog);
    dialog.showModal();
    (admins ? Promise.resolve(admins) : api.loginChoices().then(({ staff }) => { admins = staff.filter((s) => s.role === "admin"); return admins; }))
      .then((list) => {
        const allowed = list.filter((s) => !(need.second_person && s.staff_id === me));
        replace(who, allowed.map((s) => h("option", { value: s.staff_id }, s.name)));
        approve.disabled = !allowed.length;
        if (!allowed.length) error.textContent = t("bo.recon.approval.noAdmin");
        pin.focus();
      })
      .catch((err) => { error.textContent = errorText(err); });
  });
}

/**
 * `send(null)`, and when the server answers `approval_required`, the admin's PIN dialog that sends
 * again with it. Resolves with the answer, or undefined when the person cancels the dialog.
 */
export async function withApproval(send) {
  try {
    return await send(null);
  } catch (err) {
    if (!(err instanceof api.ApiError) || err.code !== "approval_required") throw err;
    return approvalDialog(err.details, send);
  }
}

/** Notes on a row: its file broke the balance chain; confirming it needs an admin's PIN. */
function rowNotes(line) {
  return [
    balanceBreak(line.balance_check),
    line.approval ? h("p", { class: "notice approval-note" }, t("bo.recon.approval.needed"), " ",
      approvalReasons(line.approval).join(" ")) : null,
  ];
}

export function rowSummary(line) {
  const day = line.posted_date ? line.posted_date.split("-").reverse().join("/") : "PEND";
  return [
    h("div", { class: "card-head" },
      h("span", { class: `row-amount${line.direction === "DB" ? " debit" : ""}` },
        `${line.direction === "DB" ? "−" : ""}${line.amount_label}${line.amount_sen ? `,${String(line.amount_sen).padStart(2, "0")}` : ""}`),
      h("span", {}, `${day}${line.posted_time ? ` ${line.posted_time}` : ""} · ${line.bank} ${line.account}`)),
    h("p", {}, line.payer_name ? h("b", {}, `${line.payer_name} · `) : null, line.description),
    h("p", { class: "row-meta" }, t("bo.recon.fileLine", { file: line.file, line: line.line_number })),
  ];
}

/** The hand-match panel: chosen credits (rows), chosen orders and the amount of each pairing. */
class MatchPanel {
  constructor(onDone) {
    this.lines = new Map(); // line_id -> line
    this.orders = new Map(); // order_id -> {order_id, order_no, total}
    this.onDone = onDone;
    this.intent = new api.Intent();
    this.inputs = new Map(); // `${line_id}|${order_id}` -> input
    this.error = errorLine(); // kept across redraws until a save or a search works
    this.el = h("section", { class: "panel match-panel", hidden: true, "aria-label": t("bo.recon.match.title") });
  }

  toggleLine(line) {
    if (this.lines.has(line.line_id)) this.lines.delete(line.line_id);
    else this.lines.set(line.line_id, line);
    this.render();
  }

  addOrder(order) {
    this.orders.set(order.order_id, order);
    this.render();
  }

  clear() {
    this.lines.clear();
    this.orders.clear();
    this.intent.reset();
    this.error.textContent = "";
    this.render();
  }

  amounts() {
    const out = [];
    for (const [cell, input] of this.inputs) {
      const amount = parseRupiah(input.value);
      if (amount) {
        const [line_id, order_id] = cell.split("|");
        out.push({ line_id, order_id, amount });
      }
    }
    return out;
  }

  async findOrder(number) {
    const found = await attempt(this.error,
      () => api.call("GET", `/sales/find?order_no=${encodeURIComponent(number.trim().toUpperCase())}`));
    for (const o of found?.orders || []) this.addOrder({ order_id: o.order_id, order_no: o.order_no, total: o.total });
  }

  render() {
    const previous = new Map([...this.inputs].map(([cell, input]) => [cell, input.value]));
    this.inputs.clear();
    this.el.hidden = this.lines.size === 0 && this.orders.size === 0;
    if (this.el.hidden) return;
    const lines = [...this.lines.values()];
    const orders = [...this.orders.values()];
    const sums = h("div", { class: "counts" });
    const update = () => {
      const chosen = this.amounts();
      replace(sums,
        lines.map((l) => {
          const used = chosen.filter((a) => a.line_id === l.line_id).reduce((s, a) => s + a.amount, 0);
          return h("span", { class: used === l.amount ? "sum-ok" : "sum-bad" },
            t("bo.recon.match.lineSum", { line: l.line_number, used: formatRupiah(used), amount: l.amount_label }));
        }),
        orders.map((o) => {
          const got = chosen.filter((a) => a.order_id === o.order_id).reduce((s, a) => s + a.amount, 0);
          return h("span", {}, t("bo.recon.match.orderSum", { orderNo: o.order_no, got: formatRupiah(got), total: formatRupiah(o.total) }));
        }));
    };
    const grid = h("table", { class: "alloc-grid" },
      h("thead", {}, h("tr", {}, h("th", {}, t("bo.recon.match.corner")), orders.map((o) => h("th", {}, o.order_no)))),
      h("tbody", {}, lines.map((l) => h("tr", {},
        h("td", {}, t("bo.recon.match.rowHead", { amount: l.amount_label, line: l.line_number })),
        orders.map((o) => {
          const cell = `${l.line_id}|${o.order_id}`;
          const single = lines.length === 1 && orders.length === 1;
          const input = rupiahInput({ "aria-label": t("bo.recon.match.cell", { line: l.line_number, orderNo: o.order_no }),
            value: previous.get(cell) ?? (single ? rupiahDigits(Math.min(l.amount, o.total)) : "") });
          input.addEventListener("input", update);
          this.inputs.set(cell, input);
          return h("td", {}, input);
        })))));
    const number = h("input", { class: "input input-small", placeholder: t("bo.recon.match.orderNoShort"),
      "aria-label": t("bo.recon.match.orderNo") });
    const submit = h("button", { type: "button", class: "btn btn-primary", disabled: !lines.length || !orders.length,
      onclick: async () => {
        submit.disabled = true;
        const allocations = this.amounts();
        try {
          // Each try with the admin's PIN is a new request (a new key): the first answer is remembered.
          const result = await withApproval((approval) => this.intent.run((key) => api.call("POST", "/reconciliation/matches",
            { idempotencyKey: key, body: approval ? { allocations, approval } : { allocations } })));
          if (!result) {
            submit.disabled = false;
            return;
          }
          this.error.textContent = "";
          toast(result.paid_orders.length ? t("bo.recon.match.paid", { count: result.paid_orders.length }) : t("bo.recon.match.notPaid"));
          this.clear();
          this.onDone();
        } catch (err) {
          this.error.textContent = errorText(err);
          submit.disabled = false;
        }
      } }, t("bo.recon.match.submit"));
    replace(this.el,
      h("div", { class: "toolbar" }, h("h2", {}, t("bo.recon.match.title")),
        h("button", { type: "button", class: "btn btn-secondary", onclick: () => this.clear() }, t("bo.common.cancel"))),
      orders.length ? grid : h("p", { class: "lead" }, t("bo.recon.match.pickOrders")),
      h("p", { class: "row-meta" }, t("bo.recon.match.rule")),
      sums,
      h("div", { class: "inline" }, number,
        h("button", { type: "button", class: "btn btn-secondary", onclick: () => this.findOrder(number.value) }, t("bo.recon.match.addOrder")),
        submit),
      this.error);
    update();
  }
}

function suggestionRow(s, line, { panel, reload, error, tolerance }) {
  // One tap: the exact amount; a transfer short by no more than the store's tolerance (accepted as
  // paid, the difference recorded); or an over-payment (its rest goes to the refund list).
  const quick = async (extra = {}) => {
    const allocations = [{ line_id: line.line_id, order_id: s.order_id, amount: Math.min(line.amount, s.amount_due) }];
    const done = await attempt(error, () => withApproval((approval) => api.call("POST", "/reconciliation/matches",
      { idempotencyKey: crypto.randomUUID(), body: { allocations, ...extra, ...(approval ? { approval } : {}) } })));
    if (done) {
      toast(t("bo.recon.review.matched", { line: line.line_number, orderNo: s.order_no }));
      reload();
    }
  };
  const open = s.status !== "PAID" && !s.rejected;
  const short = s.amount_due - line.amount;
  let oneTap = null;
  if (open && short === 0) {
    oneTap = h("button", { type: "button", class: "btn btn-primary", onclick: () => quick() }, t("bo.recon.review.match"));
  } else if (open && short > 0 && short <= (tolerance || 0)) {
    oneTap = h("button", { type: "button", class: "btn btn-primary match-short", onclick: () => quick({ accept_short: true }) },
      t("bo.recon.review.matchShort", { amount: formatRupiah(short) }));
  } else if (open && short < 0) {
    oneTap = h("button", { type: "button", class: "btn btn-secondary match-over", onclick: () => quick({ rest_to_refund: true }) },
      t("bo.recon.review.matchOver", { amount: formatRupiah(-short) }));
  }
  const signals = s.signals.map((x) => (SIGNALS[x] ? t(SIGNALS[x]) : x)).join(", ");
  // An order a person already unmatched from this row: still pickable by hand, never a one-tap match.
  return h("div", { class: `suggestion${s.rejected ? " rejected" : ""}`, dataset: { order: s.order_id } },
    h("div", {}, h("b", {}, s.order_no), ` · ${s.amount_label} · ${s.status_label}`,
      s.rejected ? h("span", { class: "tag warn" }, ` ${t("bo.recon.review.rejected")}`) : null,
      h("div", { class: "signals" }, t("bo.recon.review.score", { score: s.score, signals }))),
    h("button", { type: "button", class: "btn btn-secondary",
      onclick: () => panel.addOrder({ order_id: s.order_id, order_no: s.order_no, total: s.amount_due }) }, t("bo.recon.review.pick")),
    oneTap);
}

function reviewCard(line, context) {
  const { panel, reload } = context;
  const chosen = panel.lines.has(line.line_id);
  const matchable = line.direction === "CR" && !line.pending && !line.amount_sen;
  // Money that pays no order: given back by transfer (a credit the bank has booked) or set aside.
  const [refundButton, refundHolder] = line.direction === "CR" && !line.pending
    ? opener(t("bo.recon.refund.action"), () => refundForm(line, reload), "refund-open") : [null, null];
  const [asideButton, asideHolder] = opener(t("bo.recon.aside.action"), () => asideForm(line, reload), "aside-open");
  return h("article", { class: `card row-card${chosen ? " selected" : ""}`, dataset: { line: line.line_id } },
    rowSummary(line),
    h("p", { class: "reason" }, line.review_label),
    rowNotes(line),
    line.suggestions.length ? h("div", { class: "suggestions" },
      line.suggestions.map((s) => suggestionRow(s, line, context))) : null,
    h("div", { class: "actions actions-start" },
      matchable ? h("button", { type: "button", class: "btn btn-secondary",
        onclick: () => { panel.toggleLine(line); reload(); } }, t(chosen ? "bo.recon.review.unpick" : "bo.recon.review.pickLine")) : null,
      refundButton, asideButton),
    refundHolder, asideHolder,
    h("details", {}, h("summary", {}, t("bo.recon.review.raw")), h("p", { class: "raw-line" }, line.raw_line)));
}

export const reviewPage = {
  mount(page) {
    const list = h("div", { class: "lines", id: "review-lines" });
    const more = h("button", { type: "button", class: "btn btn-secondary", hidden: true }, t("bo.common.loadMore"));
    const reason = h("select", { class: "input input-small", "aria-label": t("bo.stock.reason") },
      h("option", { value: "" }, t("bo.recon.review.allReasons")));
    const debits = h("input", { type: "checkbox", id: "show-debits" });
    const error = errorLine(); // a quick match that failed, until one works
    const loadError = errorLine();
    let labels = null;
    let next = null;
    let shown = [];
    let reload = () => {};
    const panel = new MatchPanel(() => reload());
    const context = { panel, reload: () => reload(), error, tolerance: 0 };

    async function load(append) {
      try {
        const params = new URLSearchParams({ queue: debits.checked ? "debit" : "review" });
        if (reason.value && !debits.checked) params.set("reason", reason.value);
        if (append && next) params.set("next", next);
        const data = await api.call("GET", `/reconciliation/review?${params}`);
        loadError.textContent = "";
        context.tolerance = data.short_payment_tolerance || 0;
        if (!labels) {
          labels = data.reasons;
          for (const [value, label] of Object.entries(labels)) {
            if (value !== "debit") reason.append(h("option", { value }, label));
          }
        }
        shown = append ? shown.concat(data.lines) : data.lines;
        next = data.next;
        more.hidden = !next;
        reason.disabled = debits.checked;
        replace(list, shown.length ? shown.map((line) => reviewCard(line, context))
          : h("p", { class: "empty" }, t(debits.checked ? "bo.recon.review.noDebits" : "bo.recon.review.none")));
      } catch (err) {
        loadError.textContent = errorText(err);
      }
    }
    reload = () => load(false);
    more.addEventListener("click", () => load(true));
    reason.addEventListener("change", reload);
    debits.addEventListener("change", reload);
    replace(page,
      h("section", { class: "panel" },
        h("div", { class: "toolbar" }, h("h2", {}, t("bo.recon.review.title")),
          h("div", { class: "filters" }, reason,
            h("label", { class: "inline" }, debits, t("bo.recon.review.showDebits")))),
        loadError, error, list, more),
      panel.el);
    reload();
    return null;
  },
};

export const proposedPage = {
  mount(page) {
    const list = h("div", { class: "lines", id: "proposed-lines" });
    const error = errorLine(); // a confirm or reject that failed, until one works
    const loadError = errorLine();
    const act = async (line, action) => {
      const path = `/reconciliation/lines/${line.line_id}/${action}`;
      const send = action === "confirm"
        ? () => withApproval((approval) => api.call("POST", path, approval ? { body: { approval } } : {}))
        : () => api.call("POST", path);
      if (await attempt(error, send)) {
        toast(t(action === "confirm" ? "bo.recon.proposed.confirmed" : "bo.recon.proposed.rejected"));
        reload();
      }
    };
    async function reload() {
      try {
        const { lines } = await api.call("GET", "/reconciliation/review?queue=proposed");
        loadError.textContent = "";
        replace(list, lines.length ? lines.map((line) => {
          const a = line.allocations[0];
          return h("article", { class: "card row-card", dataset: { line: line.line_id } }, rowSummary(line), rowNotes(line),
            h("p", {}, t("bo.recon.proposed.matchesWith"), " ", h("b", {}, a.order_no), a.customer_name ? ` · ${a.customer_name}` : "",
              " · ", badge(a.status, a.status_label), a.total ? ` · ${t("bo.recon.proposed.total", { total: formatRupiah(a.total) })}` : ""),
            h("div", { class: "actions" },
              h("button", { type: "button", class: "btn btn-primary", onclick: () => act(line, "confirm") }, t("bo.recon.proposed.confirm")),
              h("button", { type: "button", class: "btn btn-secondary", onclick: () => act(line, "unmatch") }, t("bo.recon.proposed.reject"))));
        }) : h("p", { class: "empty" }, t("bo.recon.proposed.none")));
      } catch (err) {
        loadError.textContent = errorText(err);
      }
    }
    const summary = h("div", { class: "bulk-summary", id: "confirm-all-summary", "aria-live": "polite" });
    const all = bulkButton({ label: t("bo.recon.bulk.confirmAll"), id: "confirm-all", summary, onDone: () => reload(),
      send: () => api.call("POST", "/reconciliation/proposals/confirm-all"),
      doneText: (count) => t("bo.recon.bulk.confirmed", { count }) });
    replace(page, h("section", { class: "panel" },
      h("div", { class: "toolbar" }, h("h2", {}, t("bo.recon.proposed.title")), all),
      h("p", { class: "lead" }, t("bo.recon.proposed.lead")), summary, loadError, error, list));
    reload();
    return null;
  },
};
