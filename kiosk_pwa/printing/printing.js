// Pencetakan: the store's print stations and their printers (admins), the print job list with
// failure reasons, reprints and a test page. It signs in like the kiosk, with the kiosk's own
// credentials (../js/api.js): the tablet's pairing and, in this tab, the PIN session.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatWib } from "../js/format.js";
import { savedLanguage, setLanguage } from "../js/i18n.js";

const ROLES = ["receipt", "label"];
const ROLE_NAMES = { receipt: "Struk", label: "Label" };
const STATUS_NAMES = {
  QUEUED: "Menunggu", LEASED: "Sedang dicetak", PRINTED: "Tercetak", FAILED: "Gagal", EXPIRED: "Kedaluwarsa",
};
const FINISHED = new Set(["PRINTED", "FAILED", "EXPIRED"]);
const STAFF_ROLES = { cashier: "Kasir", cs: "CS", warehouse: "Gudang", admin: "Admin" };
const REFRESH_MS = 5000;

const page = document.getElementById("page");
const toastEl = document.getElementById("toast");
const logoutButton = document.getElementById("logout");

let me = null; // /auth/me: who is signed in, and the store (its timezone)
let statusFilter = "";
let refreshTimer = null;
const reprints = new Map(); // job id -> api.Intent: a retried tap keeps its Idempotency-Key
const testPages = new Map(); // role -> api.Intent

// ---- small helpers ------------------------------------------------------------------------------

let toastTimer = null;
function toast(message, kind = "info") {
  toastEl.textContent = message;
  toastEl.dataset.kind = kind;
  toastEl.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toastEl.hidden = true; }, 4000);
}

function errorText(err) {
  return err instanceof api.ApiError ? err.message : "Terjadi kesalahan. Coba lagi.";
}

const when = (epoch) => (epoch ? formatWib(epoch, me.store.timezone) : "-");
const intentFor = (map, key) => map.get(key) || map.set(key, new api.Intent()).get(key);

// ---- sign-in ------------------------------------------------------------------------------------

function showUnpaired() {
  replace(page, h("section", { class: "panel login" },
    h("h2", {}, "Perangkat belum dipasangkan"),
    h("p", { class: "lead" }, "Pasangkan tablet ini dulu di aplikasi kasir, lalu buka halaman ini lagi."),
    h("a", { class: "btn btn-primary btn-lg", href: "../" }, "Buka Sambung Kasir")));
}

async function showLogin(message = "") {
  stopRefresh();
  logoutButton.hidden = true;
  document.getElementById("staff-name").textContent = "";
  const error = h("p", { class: "form-error", role: "alert" }, message);
  const who = h("select", { class: "input", id: "login-staff", required: true });
  const pin = h("input", {
    class: "input", id: "login-pin", type: "password", inputmode: "numeric", autocomplete: "off",
    maxlength: 6, pattern: "[0-9]{6}", required: true,
  });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, "Masuk");
  replace(page, h("form", { class: "panel login", onsubmit: onSubmit },
    h("h2", {}, "Masuk dengan PIN"),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Nama"), who),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "PIN"), pin),
    error, submit));
  try {
    const { staff } = await api.loginChoices();
    replace(who, staff.map((s) => h("option", { value: s.staff_id }, `${s.name} (${STAFF_ROLES[s.role] || s.role})`)));
  } catch (err) {
    error.textContent = errorText(err);
  }

  async function onSubmit(event) {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = "";
    try {
      api.session.set(await api.login(who.value, pin.value));
      await start();
    } catch (err) {
      error.textContent = err.code === "wrong_pin" ? "PIN salah." : errorText(err);
      pin.value = "";
      submit.disabled = false;
    }
  }
}

// ---- the page -----------------------------------------------------------------------------------

async function start() {
  me = await api.call("GET", "/auth/me");
  document.getElementById("store-name").textContent = me.store.name;
  document.getElementById("staff-name").textContent = me.name;
  logoutButton.hidden = false;
  const stations = h("section", { class: "panel", id: "stations" });
  const jobs = h("section", { class: "panel", id: "jobs" });
  replace(page, me.role === "admin" ? stations : null, jobs);
  if (me.role === "admin") await renderStations(stations);
  await renderJobs(jobs);
  startRefresh(jobs);
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

logoutButton.addEventListener("click", async () => {
  try {
    await api.logout();
  } catch {
    // Signing out locally is what matters; the session ends on the server at its expiry anyway.
  }
  api.session.clear();
  showLogin();
});

api.apiEvents.addEventListener("auth-lost", (event) => {
  if (event.detail.reason === "device") showUnpaired();
  else showLogin(event.detail.message);
});

async function main() {
  // api.js words its network errors through the kiosk's language files.
  await setLanguage(savedLanguage()).catch(() => {});
  if (!api.device.get()) return showUnpaired();
  if (!api.session.get()) return showLogin();
  try {
    await start();
  } catch (err) {
    if (!(err instanceof api.ApiError && err.status === 401)) showLogin(errorText(err));
  }
}

main();
