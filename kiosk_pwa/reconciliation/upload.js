// Upload a statement straight to S3 (presigned POST, with a progress bar) and follow every import:
// its progress while the server reads it, then what it found (new rows, duplicates, matches, rows
// to check, an opening balance that does not continue the account's stored one) or why it failed.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { badge, errorLine, errorText, when } from "../backoffice/common.js";
import { balanceBreak } from "./review.js";

const POLL_MS = 1500;

/** POST the file to the presigned form; `onProgress(fraction)` follows the bytes sent. */
export function sendToStorage(upload, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append("file", file); // S3 reads the fields before the file: it must come last
    const xhr = new XMLHttpRequest();
    xhr.open("POST", upload.url);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => (xhr.status >= 200 && xhr.status < 300
      ? resolve()
      : reject(new Error(xhr.status === 400 ? t("bo.recon.upload.rejected") : t("bo.recon.upload.failed", { status: xhr.status })))));
    xhr.addEventListener("error", () => reject(new Error(t("bo.recon.upload.disconnected"))));
    xhr.send(form);
  });
}

export function progressBar(fraction, label) {
  const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
  return h("div", {},
    h("div", { class: "progress", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": percent },
      h("span", { style: `width: ${percent}%` })),
    h("span", { class: "progress-label" }, label || `${percent}%`));
}

function statementCard(st) {
  const c = st.counts;
  const finished = st.status !== "PROCESSING";
  return h("article", { class: "card" },
    h("div", { class: "card-head" },
      h("h3", {}, st.filename),
      badge(st.status, st.status_label)),
    h("p", { class: "row-meta" },
      t(st.uploaded_by_name ? "bo.recon.upload.uploadedBy" : "bo.recon.upload.uploaded", { at: when(st.created_at), name: st.uploaded_by_name }),
      st.bank ? ` · ${st.bank} ${st.account}` : "", st.period ? ` · ${t("bo.recon.upload.period", { from: st.period[0], to: st.period[1] })}` : ""),
    finished ? null : progressBar(st.progress.percent / 100,
      st.progress.total ? t("bo.recon.upload.progress", { done: st.progress.done, total: st.progress.total }) : t("bo.recon.upload.reading")),
    st.retrying ? h("p", { class: "row-meta" }, t("bo.recon.upload.retrying")) : null,
    st.status === "FAILED" && st.error ? h("p", { class: "form-error" }, st.error.message) : null,
    finished && st.status !== "FAILED" ? h("div", { class: "counts" },
      h("span", {}, t("bo.recon.upload.rows"), " ", h("b", {}, c.rows)),
      h("span", {}, t("bo.recon.upload.new"), " ", h("b", {}, c.new)),
      h("span", {}, t("bo.recon.upload.duplicates"), " ", h("b", {}, c.duplicates)),
      h("span", {}, t("bo.recon.upload.autoMatched"), " ", h("b", {}, c.auto_matched),
        c.proposed ? ` ${t("bo.recon.upload.proposed", { count: c.proposed })}` : ""),
      h("span", {}, t("bo.recon.upload.review"), " ", h("b", {}, c.review)),
      c.pending_settled ? h("span", {}, t("bo.recon.upload.pendingSettled"), " ", h("b", {}, c.pending_settled)) : null) : null,
    st.balance_check?.status === "discontinuous" ? h("div", { class: "statement-break" },
      balanceBreak(st.balance_check), h("p", { class: "row-meta" }, t("bo.recon.balance.consequence"))) : null,
    st.problems.length ? h("div", {},
      h("p", { class: "reason" }, t("bo.recon.upload.problems")),
      h("ul", { class: "problems" }, st.problems.map((p) => h("li", {}, p)))) : null);
}

export function mount(page) {
  const fileInput = h("input", { type: "file", class: "input", accept: ".csv,.txt,text/csv", required: true, id: "statement-file" });
  const account = h("select", { class: "input", id: "statement-account" },
    h("option", { value: "" }, t("bo.recon.upload.detect")));
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, t("bo.recon.upload.submit"));
  const status = h("div", {});
  const list = h("div", { class: "lines", id: "statements" });
  const listError = errorLine();
  const accountsError = errorLine();
  const intent = new api.Intent();
  const waiting = new Map(); // object key -> file name, until the import shows up
  let timer = null;
  let stopped = false;

  async function refresh() {
    clearTimeout(timer);
    if (stopped) return;
    try {
      const { statements } = await api.call("GET", "/reconciliation/statements");
      listError.textContent = "";
      for (const st of statements) waiting.delete(st.object_key);
      replace(list,
        [...waiting.values()].map((name) => h("article", { class: "card" },
          h("div", { class: "card-head" }, h("h3", {}, name), badge("PROCESSING", t("bo.recon.upload.waiting"))),
          progressBar(0, t("bo.recon.upload.queued")))),
        statements.length || waiting.size ? statements.map(statementCard)
          : h("p", { class: "empty" }, t("bo.recon.upload.none")));
      if (waiting.size || statements.some((st) => st.status === "PROCESSING")) timer = setTimeout(refresh, POLL_MS);
    } catch (err) {
      listError.textContent = errorText(err);
      timer = setTimeout(refresh, POLL_MS * 4);
    }
  }

  async function upload(event) {
    event.preventDefault();
    const file = fileInput.files[0];
    if (!file) return;
    submit.disabled = true;
    replace(status, progressBar(0, t("bo.recon.upload.preparing")));
    try {
      const ticket = await intent.run((key) => api.call("POST", "/reconciliation/uploads", {
        idempotencyKey: key, body: { filename: file.name, account_no: account.value || null } }));
      if (file.size > ticket.max_bytes) throw new Error(t("bo.recon.upload.tooLarge"));
      await sendToStorage(ticket.upload, file,
        (f) => replace(status, progressBar(f, t("bo.recon.upload.uploading", { percent: Math.round(f * 100) }))));
      waiting.set(ticket.key, file.name);
      replace(status, h("p", { class: "positive" }, t("bo.recon.upload.sent", { name: file.name })));
      fileInput.value = "";
      refresh();
    } catch (err) {
      replace(status, errorLine(err instanceof api.ApiError ? errorText(err) : err.message));
    } finally {
      submit.disabled = false;
    }
  }

  replace(page,
    h("form", { class: "panel", onsubmit: upload },
      h("h2", {}, t("bo.recon.upload.title")),
      h("p", { class: "lead" }, t("bo.recon.upload.lead")),
      h("div", { class: "fields" },
        h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.recon.upload.file")), fileInput),
        h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.accountShort")), account)),
      accountsError, status, submit),
    h("section", { class: "panel" }, h("h2", {}, t("bo.recon.upload.imports")), listError, list));
  api.call("GET", "/reconciliation/mappings").then(({ accounts }) => {
    for (const a of accounts) account.append(h("option", { value: a.account_no }, `${a.bank} ${a.account_no} (${a.holder})`));
  }).catch((err) => { accountsError.textContent = errorText(err); });
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}
