// Pencetakan: the store's print stations and their printers (admins), the print job list with
// failure reasons, reprints and a test page. It signs in like the kiosk, with the kiosk's own
// credentials (../js/api.js): the tablet's pairing and, in this tab, the PIN session.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatWib } from "../js/format.js";
import { errorText, toast } from "../backoffice/common.js";
import { runShell } from "../backoffice/shell.js";

const ROLES = ["receipt", "label"];
const ROLE_NAMES = { receipt: "Struk", label: "Label" };
const STATUS_NAMES = {
  QUEUED: "Menunggu", LEASED: "Sedang dicetak", PRINTED: "Tercetak", FAILED: "Gagal", EXPIRED: "Kedaluwarsa",
};
const FINISHED = new Set(["PRINTED", "FAILED", "EXPIRED"]);
const REFRESH_MS = 5000;

const page = document.getElementById("page");

let me = null; // /auth/me: who is signed in, and the store (its timezone)
let statusFilter = "";
let refreshTimer = null;
const reprints = new Map(); // job id -> api.Intent: a retried tap keeps its Idempotency-Key
const testPages = new Map(); // role -> api.Intent

// ---- small helpers ------------------------------------------------------------------------------

const when = (epoch) => (epoch ? formatWib(epoch, me.store.timezone) : "-");
const intentFor = (map, key) => map.get(key) || map.set(key, new api.Intent()).get(key);

// ---- sign-in (the back office's shell) ----------------------------------------------------------

function unpaired(root) {
  replace(root, h("section", { class: "panel login" },
    h("h2", {}, "Perangkat belum dipasangkan"),
    h("p", { class: "lead" }, "Pasangkan tablet ini dulu di aplikasi kasir, lalu buka halaman ini lagi."),
    h("a", { class: "btn btn-primary btn-lg", href: "../" }, "Buka Sambung Kasir")));
}

// ---- the page -----------------------------------------------------------------------------------

function signedIn(person) {
  me = person;
  const stations = h("section", { class: "panel", id: "stations" });
  const jobs = h("section", { class: "panel", id: "jobs" });
  replace(page, me.role === "admin" ? stations : null, jobs);
  (async () => {
    if (me.role === "admin") await renderStations(stations);
    await renderJobs(jobs);
    startRefresh(jobs);
  })().catch((err) => toast(errorText(err), "error"));
  return stopRefresh;
}

async function renderStations(root) {
  let data;
  try {
    data = await api.call("GET", "/print/stations");
  } catch (err) {
    replace(root, h("h2", {}, "Stasiun cetak"), h("p", { class: "form-error" }, errorText(err)));
    return;
  }
  const routes = ROLES.map((role) => {
    const route = data.routes[role];
    const button = h("button", { type: "button", class: "btn btn-secondary", disabled: !route },
      "Cetak halaman uji");
    button.addEventListener("click", () => printTestPage(role, button));
    return h("div", { class: "route" },
      h("div", {},
        h("strong", {}, `Printer ${ROLE_NAMES[role].toLowerCase()}: `),
        route ? `${route.station_name} · ${route.profile}` : "belum ada stasiun cetak"),
      button);
  });
  const builtins = data.builtin_profiles.map((p) => p.name);
  replace(root,
    h("h2", {}, "Stasiun cetak"),
    data.stations.length ? null : h("p", { class: "notice" },
      "Belum ada PC toko yang dipasangkan. Buat kode pairing jenis stasiun cetak, lalu jalankan "
      + "`python -m print_bridge pair KODE` di PC toko."),
    routes,
    h("div", { class: "grid-2" }, data.stations.map((s) => stationCard(s, builtins, root))));
}

function stationCard(station, builtins, root) {
  const error = h("p", { class: "form-error", role: "alert" });
  const selects = {};
  const rows = ROLES.map((role) => {
    const current = station.printers.find((p) => p.role === role);
    const select = h("select", { class: "input input-small", id: `printer-${station.station_id}-${role}` },
      h("option", { value: "" }, current && current.active && !current.assigned
        ? `Otomatis (${current.profile})` : "Tidak dipakai"),
      station.profile_choices[role].map((name) => h("option", {
        value: name, selected: Boolean(current && current.assigned && current.profile === name),
      }, name)));
    selects[role] = select;
    const serving = current && current.active ? " · mencetak sekarang" : current ? " · cadangan" : "";
    return h("label", { class: "field" },
      h("span", { class: "field-label" }, `Printer ${ROLE_NAMES[role].toLowerCase()}${serving}`), select);
  });
  const save = h("button", { type: "button", class: "btn btn-primary" }, "Simpan printer");
  save.addEventListener("click", async () => {
    save.disabled = true;
    error.textContent = "";
    const printers = ROLES.filter((role) => selects[role].value)
      .map((role) => ({ role, profile: selects[role].value }));
    try {
      await api.call("PUT", `/print/stations/${encodeURIComponent(station.station_id)}/printers`, { body: { printers } });
      toast("Printer disimpan.");
      await renderStations(root);
    } catch (err) {
      error.textContent = errorText(err);
      save.disabled = false;
    }
  });
  return h("article", { class: "station" },
    h("h3", {}, station.name),
    h("p", { class: "hint" }, station.last_seen_at
      ? `Terakhir aktif ${when(station.last_seen_at)}` : "Belum pernah terhubung"),
    rows, save, error,
    profilesBlock(station, builtins, root));
}

function profilesBlock(station, builtins, root) {
  const error = h("p", { class: "form-error", role: "alert" });
  const name = h("input", { class: "input input-small", required: true, maxlength: 40, placeholder: "mis. xp80-lambat" });
  const base = h("select", { class: "input input-small" },
    [...builtins, ...station.profiles.map((p) => p.name)].map((n) => h("option", { value: n }, n)));
  const extra = h("textarea", { class: "input", placeholder: '{"band_height": 256}' });
  const submit = h("button", { type: "submit", class: "btn btn-secondary" }, "Tambah profil");

  async function onSubmit(event) {
    event.preventDefault();
    error.textContent = "";
    let fields = {};
    if (extra.value.trim()) {
      try {
        fields = JSON.parse(extra.value);
      } catch {
        error.textContent = "Pengaturan harus JSON, mis. {\"band_height\": 256}.";
        return;
      }
      if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
        error.textContent = "Pengaturan harus objek JSON.";
        return;
      }
    }
    submit.disabled = true;
    try {
      const body = { ...fields, name: name.value.trim(), base: base.value };
      await api.call("POST", `/print/stations/${encodeURIComponent(station.station_id)}/profiles`, { body });
      toast(`Profil ${body.name} disimpan.`);
      await renderStations(root);
    } catch (err) {
      error.textContent = errorText(err);
      submit.disabled = false;
    }
  }

  return h("details", {},
    h("summary", {}, `Profil khusus (${station.profiles.length})`),
    station.profiles.length
      ? h("ul", {}, station.profiles.map((p) => h("li", {}, h("code", {}, JSON.stringify(p)))))
      : h("p", { class: "hint" }, "Belum ada. Buat profil dari profil dasar dan ubah yang perlu saja."),
    h("form", { class: "panel", onsubmit: onSubmit },
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Nama profil"), name),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Profil dasar"), base),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Yang berbeda (JSON)"), extra),
      error, submit));
}

async function printTestPage(role, button) {
  button.disabled = true;
  try {
    await intentFor(testPages, role).run((key) =>
      api.call("POST", "/print/test-page", { body: { role }, idempotencyKey: key }));
    toast(`Halaman uji ${ROLE_NAMES[role].toLowerCase()} masuk antrean.`);
    testPages.delete(role);
    await renderJobs(document.getElementById("jobs"));
  } catch (err) {
    toast(errorText(err), "error");
  } finally {
    button.disabled = false;
  }
}

async function renderJobs(root) {
  const filter = h("select", { class: "input input-small", id: "job-filter", "aria-label": "Saring status" },
    h("option", { value: "" }, "Semua status"),
    Object.entries(STATUS_NAMES).map(([value, label]) => h("option", { value, selected: value === statusFilter }, label)));
  filter.addEventListener("change", () => {
    statusFilter = filter.value;
    renderJobs(root);
  });
  let jobs;
  try {
    const query = statusFilter ? `?status=${statusFilter}&limit=100` : "?limit=100";
    ({ jobs } = await api.call("GET", `/print/jobs${query}`));
  } catch (err) {
    replace(root, h("div", { class: "row" }, h("h2", {}, "Pekerjaan cetak"), filter),
      h("p", { class: "form-error" }, errorText(err)));
    return;
  }
  replace(root,
    h("div", { class: "row" }, h("h2", {}, "Pekerjaan cetak"), filter),
    jobs.length ? h("table", { class: "jobs" },
      h("thead", {}, h("tr", {}, ["Waktu", "Dokumen", "Printer", "Status", "Keterangan", "Stasiun", ""]
        .map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, jobs.map((job) => jobRow(job, root))))
      : h("p", { class: "hint" }, "Belum ada pekerjaan cetak."));
}

function jobRow(job, root) {
  let action = null;
  if (FINISHED.has(job.status)) {
    action = h("button", { type: "button", class: "btn btn-secondary" }, "Cetak ulang");
    action.addEventListener("click", async () => {
      action.disabled = true;
      try {
        await intentFor(reprints, job.job_id).run((key) =>
          api.call("POST", `/print/jobs/${encodeURIComponent(job.job_id)}/reprint`, { body: {}, idempotencyKey: key }));
        reprints.delete(job.job_id);
        toast("Dicetak ulang: masuk antrean.");
        await renderJobs(root);
      } catch (err) {
        toast(errorText(err), "error");
        action.disabled = false;
      }
    });
  }
  const detail = job.status === "FAILED" ? job.reason : job.status === "QUEUED" ? job.note : null;
  return h("tr", { dataset: { jobId: job.job_id } },
    h("td", {}, when(job.created_at)),
    h("td", {}, job.title || job.kind, job.reprint_of ? h("div", { class: "hint" }, "cetak ulang") : null),
    h("td", {}, ROLE_NAMES[job.role] || job.role, job.copies > 1 ? ` ×${job.copies}` : ""),
    h("td", {}, h("span", { class: `badge badge-${job.status}` }, STATUS_NAMES[job.status] || job.status)),
    h("td", { class: "reason" }, detail || (job.attempts > 1 ? `${job.attempts} kali dicoba` : "")),
    h("td", {}, job.station_name || "-"),
    h("td", {}, action));
}

function startRefresh(root) {
  stopRefresh();
  // Only while someone looks at it: a hidden tab does not poll the API.
  refreshTimer = setInterval(() => {
    if (document.visibilityState === "visible" && !root.contains(document.activeElement)) renderJobs(root);
  }, REFRESH_MS);
}

function stopRefresh() {
  clearInterval(refreshTimer);
  refreshTimer = null;
}

runShell({ unpaired, signedIn });
