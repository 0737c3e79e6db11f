// What the back-office sections share: the signed-in person, messages (toasts for what went well,
// errors next to what failed), times in the store's zone, countdowns on the server's clock, rupiah
// and phone fields as people type them, files from the API, sub-tabs, quantity fields that say what
// is wrong beside them, and the item picker (scan a barcode, type an SKU, or search a name).
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah, formatWib, groupLocalPhone, groupThousands } from "../js/format.js";
import { hasKey, t } from "../js/i18n.js";

const TOAST_MS = 4000;
let toastTimer = null;

/** A short note that something went well; errors stay next to what failed (see errorLine). */
export function toast(message, kind = "info") {
  const el = document.getElementById("toast");
  el.textContent = message;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, TOAST_MS);
}

/** The server's message (Bahasa Indonesia, written to be shown), or our own wording of a known code. */
export function errorText(err) {
  if (!(err instanceof api.ApiError)) return t("bo.error.unexpected");
  const key = `error.code.${err.code}`;
  return hasKey(key) ? t(key) : err.message;
}

/**
 * Where an error is shown: beside the form or list it belongs to, until the person fixes it (the
 * next attempt that works clears it), never on a timer.
 */
export function errorLine(message = "") {
  return h("p", { class: "form-error", role: "alert" }, message);
}

/** Runs `action`; its error goes to `line` (cleared once an attempt works). Returns its result or undefined. */
export async function attempt(line, action) {
  try {
    const result = await action();
    line.textContent = "";
    return result;
  } catch (err) {
    line.textContent = errorText(err);
    return undefined;
  }
}

/**
 * The signed-in person and store, set by the shell after /auth/me; `openDrop`: the drop order a link
 * from another section asks the Drop Order section to show (read once when it mounts).
 */
export const session = { me: null, openDrop: null };

/**
 * A list's loader: `load()` fetches and draws; a call while one is on its way gets that one (a tap
 * on "Muat ulang" during the timer's reload waits for it). `button` is disabled meanwhile; a failure
 * is shown in place of the list. `.current` is the load on its way, if any.
 */
export function listLoader({ button, list, load }) {
  const run = () => (run.current ??= (async () => {
    button.disabled = true;
    try {
      await load();
    } catch (err) {
      replace(list, h("p", { class: "form-error" }, errorText(err)));
    } finally {
      button.disabled = false;
      run.current = null;
    }
  })());
  run.current = null;
  return run;
}

const ROLE_KEYS = {
  cashier: "role.cashier", supervisor: "role.supervisor", cs: "role.cs", warehouse: "role.warehouse", admin: "role.admin",
};
export const roleName = (role) => (ROLE_KEYS[role] ? t(ROLE_KEYS[role]) : role);

/** Epoch seconds -> "23/11/2026 14:05 WIB" in the store's zone; "-" when there is none. */
export const when = (epoch) => (epoch ? formatWib(epoch, session.me?.store?.timezone || "Asia/Jakarta") : "-");

/** Seconds left -> "1:59:07" or "04:05"; "00:00" once it is over. */
export function countdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return hh ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** "150.000", "Rp 150.000" or "150000" -> 150000; null when it is not a whole amount of rupiah. */
export function parseRupiah(text) {
  const cleaned = String(text).replace(/\s|rp/gi, "").replace(/\./g, "");
  return /^\d{1,12}$/.test(cleaned) ? Number(cleaned) : null;
}

/** 150000 -> "150.000": what a rupiah field shows (the one formatter, without "Rp"). */
export const rupiahDigits = (amount) => formatRupiah(amount).replace(/^-?Rp/, "");

/** A money field that shows thousands separators while the person types. */
export function rupiahInput(attrs = {}) {
  const input = h("input", { class: "input", inputmode: "numeric", autocomplete: "off", placeholder: "0", ...attrs });
  input.addEventListener("input", () => {
    const value = parseRupiah(input.value);
    if (value !== null) input.value = rupiahDigits(value);
  });
  return input;
}

/** A phone field shown as 0812-3456-7890 while typed; the server normalises whatever it gets. */
export function phoneInput(attrs = {}) {
  const input = h("input", { class: "input", type: "tel", inputmode: "tel", autocomplete: "off",
    placeholder: "0812-3456-7890", ...attrs });
  input.addEventListener("input", () => {
    const digits = input.value.replace(/\D/g, "");
    if (!input.value.trim().startsWith("+") && digits.startsWith("0")) input.value = groupLocalPhone(digits);
  });
  return input;
}

/** A PDF from the API opened in a new tab. */
export async function openPdf(path) {
  const file = await api.download(path, { accept: "application/pdf", filename: "dokumen.pdf" });
  window.open(URL.createObjectURL(file), "_blank", "noopener");
}

/** A PDF or CSV from the API saved under the server's file name (or `filename`). */
export async function saveFile(path, filename) {
  const accept = /\.pdf(\?|$)/.test(path) ? "application/pdf" : "text/csv";
  const file = await api.download(path, { accept, filename });
  const url = URL.createObjectURL(file);
  const link = h("a", { href: url, download: file.name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function badge(status, label) {
  return h("span", { class: `badge badge-${status}` }, label || status);
}

/**
 * The views inside a section: [{id, label}] as tab buttons; `onSelect(id)` when one is pressed.
 * Returns the tab list element; `select(id)` marks another one as current.
 */
export function subTabs(items, current, onSelect, label) {
  const buttons = items.map((item) => h("button", {
    type: "button", class: "tab", role: "tab", id: `tab-${item.id}`, "aria-selected": String(item.id === current),
    onclick: () => onSelect(item.id),
  }, item.label, item.extra || null));
  const el = h("div", { class: "subtabs", role: "tablist", "aria-label": label }, buttons);
  el.select = (id) => buttons.forEach((b, i) => b.setAttribute("aria-selected", String(items[i].id === id)));
  return el;
}

/**
 * What is wrong with a quantity as typed, in words for the person (null when it is fine): a whole
 * number from `min` to `max`; `zero: false` refuses 0 even where negatives are allowed (a
 * correction). Nothing is rounded or put back: "-3" stays "-3" with its message until it is fixed.
 */
export function quantityProblem(text, { min = 1, max = 9999, zero = min <= 0 } = {}) {
  const typed = String(text ?? "").trim();
  if (!typed) return t("bo.qty.empty");
  if (!/^[+-]?\d+$/.test(typed)) return t(/^[+-]?\d*[.,]\d*$/.test(typed) && /\d/.test(typed) ? "bo.qty.notWhole" : "bo.qty.notNumber");
  const n = Number(typed);
  if (n === 0 && !zero) return t(min > 0 ? "bo.qty.atLeastOne" : "bo.qty.notZero");
  if (n < min) return t(min === 1 ? "bo.qty.atLeastOne" : min === 0 ? "bo.qty.notNegative" : "bo.qty.atLeast", { min });
  if (n > max) return t("bo.qty.atMost", { max: groupThousands(max) });
  return null;
}

let fieldIds = 0;

/**
 * A quantity field with its message beside it: `rule` as for quantityProblem; `onValue(n | null,
 * text)` on every keystroke (null while it is wrong). Returns the `input`, its `message` (put it
 * beside the field), `problem()` (what is wrong now, shown in the message) and `focus()`.
 */
export function quantityField({ value, label, rule = {}, onValue = () => {} }) {
  const id = `qty-${++fieldIds}`;
  const message = h("p", { class: "form-error qty-error", id: `${id}-error`, role: "alert" });
  const allowsMinus = (rule.min ?? 1) < 0;
  const input = h("input", { class: "input qty-input", id, type: "text", inputmode: allowsMinus ? "text" : "numeric",
    autocomplete: "off", value: String(value), "aria-label": label, "aria-describedby": message.id });
  const check = () => {
    const problem = quantityProblem(input.value, rule);
    message.textContent = problem || "";
    input.setAttribute("aria-invalid", String(Boolean(problem)));
    return problem;
  };
  input.addEventListener("input", () => onValue(check() ? null : Number(input.value.trim()), input.value));
  return { input, message, problem: check, focus: () => input.focus() };
}

/**
 * A list of items built by scanning barcodes, typing an SKU or searching a name.
 * picker.lines -> [{sku, name, barcode, qty}] (qty null while its field is wrong); picker.add(code)
 * adds one of a scanned code. `qtyLabel` names the number column; `qtyRule` what a quantity may be
 * (quantityProblem: whole numbers from 1 to 9999 unless said otherwise). Before sending, a form asks
 * `picker.refuse(errorLine)`: the first wrong quantity is said in the form's error line (which then
 * follows the fields until they are right) and its field focused.
 */
export class ItemPicker {
  constructor({ qtyLabel = t("bo.picker.qty"), qtyRule = {}, onChange = () => {} } = {}) {
    this.lines = [];
    this.qtyRule = qtyRule;
    this.onChange = onChange;
    this.fields = new Map(); // line -> its quantity field
    this.shownIn = null; // the form's error line saying what is wrong with a quantity, while it is
    this.list = h("div", { class: "lines", "aria-label": t("bo.picker.items") });
    this.results = h("div", { class: "results" });
    this.error = errorLine();
    this.query = h("input", { class: "input", placeholder: t("bo.picker.placeholder"), autocomplete: "off",
      "aria-label": t("bo.picker.search") });
    this.query.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.search(this.query.value.trim());
      }
    });
    this.qtyLabel = qtyLabel;
    this.el = h("div", {},
      h("div", { class: "inline" },
        h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.picker.items")), this.query),
        h("button", { type: "button", class: "btn btn-secondary", onclick: () => this.search(this.query.value.trim()) },
          t("bo.picker.find"))),
      this.error, this.results, this.list);
    this.render();
  }

  /** A scanned barcode (or an exact SKU): one more of it. */
  async add(code) {
    const product = await attempt(this.error, () => (/^\d{8,14}$/.test(code)
      ? api.productByBarcode(code)
      : api.call("GET", `/catalog/products/${encodeURIComponent(code.toUpperCase())}`)));
    if (product) this.put(product, 1);
  }

  async search(q) {
    if (!q) return;
    if (/^\d{8,14}$/.test(q)) {
      this.query.value = "";
      await this.add(q);
      return;
    }
    const found = await attempt(this.error, () => api.searchProducts(q, 12));
    if (!found) return;
    const { products } = found;
    if (products.length === 1) {
      this.put(products[0], 1);
      this.query.value = "";
      replace(this.results);
      return;
    }
    replace(this.results, products.length ? products.map((p) => h("button", {
      type: "button", class: "btn btn-secondary",
      onclick: () => { this.put(p, 1); replace(this.results); this.query.value = ""; },
    }, `${p.sku} · ${p.name}`)) : h("p", { class: "empty" }, t("bo.picker.notFound")));
  }

  /** `qty` more of a product (a scan of a line whose field is wrong starts it again from `qty`). */
  put(product, qty) {
    const line = this.lines.find((l) => l.sku === product.sku);
    if (line) Object.assign(line, { qty: (line.qty ?? 0) + qty, typed: null });
    else this.lines.push({ sku: product.sku, name: product.name, barcode: product.barcode, price: product.price, qty });
    this.render();
  }

  clear() {
    this.lines = [];
    this.render();
  }

  /** Another rule for the quantities (a stock count may be 0, a correction negative): checked again at once. */
  setRule(rule) {
    this.qtyRule = rule;
    this.render();
  }

  /** The first wrong quantity as "Perbaiki jumlah SKU: why" (its field focused with `focus`), or null. */
  problem({ focus = false } = {}) {
    for (const line of this.lines) {
      const field = this.fields.get(line);
      const problem = field?.problem();
      if (problem) {
        if (focus) field.focus();
        return t("bo.qty.fix", { sku: line.sku, problem });
      }
    }
    return null;
  }

  /** Before sending: says the first wrong quantity in `errorLine` and focuses it; true when there is one. */
  refuse(errorLine) {
    const problem = this.problem({ focus: true });
    if (problem) errorLine.textContent = problem;
    this.shownIn = problem ? errorLine : null;
    return Boolean(problem);
  }

  /** The form's message follows the fields: another wrong one is said instead, all right clears it. */
  follow() {
    if (!this.shownIn) return;
    const problem = this.problem();
    this.shownIn.textContent = problem || "";
    if (!problem) this.shownIn = null;
  }

  render() {
    this.fields = new Map();
    replace(this.list, this.lines.length ? this.lines.map((line) => {
      // A wrong quantity keeps what was typed, and its message, when the list is drawn again; each is
      // checked against the rule now (scans may pass the maximum, a new rule may allow what was wrong).
      const field = quantityField({ value: line.qty ?? line.typed ?? "", label: `${this.qtyLabel} ${line.sku}`,
        rule: this.qtyRule, onValue: (n, text) => {
          Object.assign(line, { qty: n, typed: text });
          this.follow();
          this.onChange(this.lines);
        } });
      this.fields.set(line, field);
      if (field.problem()) Object.assign(line, { qty: null, typed: field.input.value });
      else line.qty = Number(field.input.value.trim());
      return h("div", { class: "line" },
        h("div", {}, h("strong", {}, line.sku), " ", line.name),
        field.input,
        h("button", { type: "button", class: "btn btn-link", "aria-label": t("bo.picker.removeItem", { sku: line.sku }),
          onclick: () => {
            this.lines = this.lines.filter((l) => l !== line);
            this.render();
          } }, t("bo.common.remove")),
        field.message);
    }) : h("p", { class: "empty" }, t("bo.picker.empty")));
    this.follow();
    this.onChange(this.lines);
  }
}
