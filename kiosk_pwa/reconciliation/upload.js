// Upload a statement straight to S3 (presigned POST, with a progress bar) and follow every import:
// its progress while the server reads it, then what it found (new rows, duplicates, matches, rows
// to check) or why it failed.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { badge, errorText, toast, when } from "../backoffice/common.js";

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
      : reject(new Error(xhr.status === 400 ? "Berkas ditolak penyimpanan (terlalu besar atau kosong)."
        : `Unggah gagal (HTTP ${xhr.status}).`))));
    xhr.addEventListener("error", () => reject(new Error("Koneksi terputus saat mengunggah. Coba lagi.")));
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
    h("p", { class: "row-meta" }, `Diunggah ${when(st.created_at)}${st.uploaded_by_name ? ` oleh ${st.uploaded_by_name}` : ""}`,
      st.bank ? ` · ${st.bank} ${st.account}` : "", st.period ? ` · periode ${st.period[0]} s/d ${st.period[1]}` : ""),
    finished ? null : progressBar(st.progress.percent / 100,
      st.progress.total ? `${st.progress.done} dari ${st.progress.total} baris` : "Membaca berkas…"),
    st.retrying ? h("p", { class: "row-meta" }, "Sempat gagal, sedang diulang otomatis.") : null,
    st.status === "FAILED" && st.error ? h("p", { class: "form-error" }, st.error.message) : null,
    finished && st.status !== "FAILED" ? h("div", { class: "counts" },
      h("span", {}, "Baris ", h("b", {}, c.rows)),
      h("span", {}, "Baru ", h("b", {}, c.new)),
      h("span", {}, "Duplikat ", h("b", {}, c.duplicates)),
      h("span", {}, "Cocok otomatis ", h("b", {}, c.auto_matched), c.proposed ? ` (${c.proposed} menunggu konfirmasi)` : ""),
      h("span", {}, "Perlu dicek ", h("b", {}, c.review)),
      c.pending_settled ? h("span", {}, "PEND terbukukan ", h("b", {}, c.pending_settled)) : null) : null,
    st.problems.length ? h("div", {},
      h("p", { class: "reason" }, "Berkas tidak lolos pemeriksaan: tidak ada yang dicocokkan otomatis."),
      h("ul", { class: "problems" }, st.problems.map((p) => h("li", {}, p)))) : null);
}

export function mount(page) {
  const fileInput = h("input", { type: "file", class: "input", accept: ".csv,.txt,text/csv", required: true, id: "statement-file" });
  const account = h("select", { class: "input", id: "statement-account" },
    h("option", { value: "" }, "Dikenali dari isi berkas"));
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, "Unggah");
  const status = h("div", {});
  const list = h("div", { class: "lines", id: "statements" });
  const intent = new api.Intent();
  const waiting = new Map(); // object key -> file name, until the import shows up
  let timer = null;
  let stopped = false;

  async function refresh() {
    clearTimeout(timer);
    if (stopped) return;
    try {
      const { statements } = await api.call("GET", "/reconciliation/statements");
      for (const st of statements) waiting.delete(st.object_key);
      replace(list,
        [...waiting.values()].map((name) => h("article", { class: "card" },
          h("div", { class: "card-head" }, h("h3", {}, name), badge("PROCESSING", "Menunggu diproses")),
          progressBar(0, "Berkas sudah terkirim, menunggu giliran…"))),
        statements.length || waiting.size ? statements.map(statementCard)
          : h("p", { class: "empty" }, "Belum ada mutasi yang diunggah."));
      if (waiting.size || statements.some((st) => st.status === "PROCESSING")) timer = setTimeout(refresh, POLL_MS);
    } catch (err) {
      toast(errorText(err), "error");
      timer = setTimeout(refresh, POLL_MS * 4);
    }
  }

  async function upload(event) {
    event.preventDefault();
    const file = fileInput.files[0];
    if (!file) return;
    submit.disabled = true;
    replace(status, progressBar(0, "Menyiapkan unggahan…"));
    try {
      const ticket = await intent.run((key) => api.call("POST", "/reconciliation/uploads", {
        idempotencyKey: key, body: { filename: file.name, account_no: account.value || null } }));
      if (file.size > ticket.max_bytes) throw new Error("Berkas lebih dari 10 MB. Unduh mutasi per periode yang lebih pendek.");
      await sendToStorage(ticket.upload, file, (f) => replace(status, progressBar(f, `Mengunggah ${Math.round(f * 100)}%`)));
      waiting.set(ticket.key, file.name);
      replace(status, h("p", { class: "positive" }, `${file.name} terkirim. Proses impor berjalan otomatis.`));
      fileInput.value = "";
      refresh();
    } catch (err) {
      replace(status, h("p", { class: "form-error", role: "alert" }, err instanceof api.ApiError ? errorText(err) : err.message));
    } finally {
      submit.disabled = false;
    }
  }

  replace(page,
    h("form", { class: "panel", onsubmit: upload },
      h("h2", {}, "Unggah mutasi rekening"),
      h("p", { class: "lead" }, "CSV dari KlikBCA (Individu atau Bisnis), BRI, Mandiri MCM/Kopra, atau bank lain yang formatnya sudah diatur."),
      h("div", { class: "fields" },
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Berkas CSV"), fileInput),
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Rekening"), account)),
      status, submit),
    h("section", { class: "panel" }, h("h2", {}, "Impor mutasi"), list));
  api.call("GET", "/reconciliation/mappings").then(({ accounts }) => {
    for (const a of accounts) account.append(h("option", { value: a.account_no }, `${a.bank} ${a.account_no} (${a.holder})`));
  }).catch((err) => toast(errorText(err), "error"));
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}
