// Activation page for shoppers: opened from the WhatsApp/SMS link `activate.html#t=<token>` (or `?t=`).
// Shows whose account it is, then activates it once. Every text from the server is set with
// textContent, never as HTML.

const API = "/api/shoppers/activation/";
const view = document.getElementById("view");

const numberId = new Intl.NumberFormat("id-ID");
const dateId = new Intl.DateTimeFormat("id-ID", { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });

function readToken() {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, "")).get("t");
  const fromQuery = new URLSearchParams(location.search).get("t");
  return (fromHash || fromQuery || "").trim();
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function show(...nodes) {
  view.replaceChildren(...nodes);
  view.className = "card";
}

function showOutcome({ icon, title, tone }, text, retry) {
  show(el("div", { className: "icon", textContent: icon, ariaHidden: "true" }),
       el("h1", { textContent: title }), el("p", { textContent: text }));
  view.classList.add(tone);
  if (retry) view.append(el("button", { type: "button", textContent: "Coba lagi", onclick: retry }));
}

// The server's own message is shown for known refusals; the title says what happened in a few words.
// A used link means the account is already active: good news, not an error.
const OUTCOMES = {
  activation_used: { icon: "✓", title: "Akun sudah aktif", tone: "good" },
  activation_expired: { icon: "⌛", title: "Tautan kedaluwarsa", tone: "bad" },
  activation_invalid: { icon: "✕", title: "Tautan tidak valid", tone: "bad" },
  offline: { icon: "!", title: "Gagal terhubung", tone: "bad" },
};

async function call(method, token) {
  let response;
  try {
    response = await fetch(API + encodeURIComponent(token), { method, headers: { Accept: "application/json" } });
  } catch {
    return { network: true };
  }
  const body = await response.json().catch(() => null);
  return { status: response.status, body };
}

function handleFailure(result, retry) {
  if (result.network || !result.body || result.status >= 500) {
    showOutcome(OUTCOMES.offline, "Periksa koneksi internet Anda, lalu coba lagi.", retry);
    return;
  }
  const error = result.body.error || {};
  showOutcome(OUTCOMES[error.code] || OUTCOMES.activation_invalid, error.message || "Tautan tidak dapat dipakai.");
}

function fact(label, value) {
  return el("li", {}, el("span", { textContent: label }), el("span", { textContent: value }));
}

function showReady(token, info) {
  const button = el("button", { type: "button", textContent: "Aktifkan Akun" });
  button.addEventListener("click", () => activate(token, button));
  show(el("p", { className: "merchant", textContent: info.merchant_name }),
       el("h1", { textContent: `Halo, ${info.shopper_name}!` }),
       el("p", { textContent: "Aktifkan akun belanja online Anda supaya poin dan riwayat belanja bisa dipakai juga saat belanja online." }),
       el("ul", { className: "facts" },
          fact("Nomor HP", info.phone_masked),
          fact("Poin Anda", numberId.format(info.points_balance)),
          fact("Berlaku sampai", dateId.format(new Date(info.expires_at * 1000)))),
       button);
}

function showDone(info) {
  show(el("div", { className: "icon", textContent: "✓", ariaHidden: "true" }),
       el("h1", { textContent: "Akun Anda sudah aktif" }),
       el("p", { textContent: `Terima kasih, ${info.shopper_name}. Masuk ke toko online ${info.merchant_name} dengan nomor HP ${info.phone_masked}.` }),
       el("ul", { className: "facts" },
          fact("Poin Anda", numberId.format(info.points_balance)),
          fact("Diaktifkan", dateId.format(new Date(info.activated_at * 1000)))));
  view.classList.add("good");
}

async function activate(token, button) {
  button.disabled = true;
  button.textContent = "Mengaktifkan…";
  const result = await call("POST", token);
  if (result.status === 200) showDone(result.body);
  else handleFailure(result, () => load());
}

async function load() {
  const token = readToken();
  if (!token) {
    showOutcome(OUTCOMES.activation_invalid, "Buka halaman ini dari tautan di pesan WhatsApp/SMS dari toko.");
    return;
  }
  show(el("p", { textContent: "Memuat tautan aktivasi…" }));
  const result = await call("GET", token);
  if (result.status === 200) showReady(token, result.body);
  else handleFailure(result, () => load());
}

load();
// Another link opened in the same tab changes only the fragment, which does not reload the page.
window.addEventListener("hashchange", load);
