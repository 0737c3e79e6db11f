// Sambung service worker: the kiosk and the back office (every page and module of both) from one
// versioned cache, everything else from the network. API answers (/api/...) are never cached:
// prices, stock, shoppers and payment states must be live. A new version installs in the background
// and waits; js/pwa.js lets it take over at a PIN (or pairing) screen.

const VERSION = "ec4765e664ca"; // stamped by `python3 kiosk_pwa/stamp_sw.py`: a hash of the shell files
const CACHE = `sambung-kasir-${VERSION}`;
const SHELL = [
  "index.html",
  "styles.css",
  "manifest.webmanifest",
  "i18n/id.json",
  "i18n/en.json",
  "icons/icon-192.png",
  "icons/icon-512.png",
  "icons/icon-maskable-512.png",
  "vendor/qrcodegen.js",
  "js/activity.js",
  "js/api.js",
  "js/app.js",
  "js/approval.js",
  "js/dom.js",
  "js/format.js",
  "js/i18n.js",
  "js/keypad.js",
  "js/pwa.js",
  "js/qr.js",
  "js/sales.js",
  "js/scanner.js",
  "js/screens/cart.js",
  "js/screens/history.js",
  "js/screens/login.js",
  "js/screens/pair.js",
  "js/screens/payment.js",
  "js/screens/pending.js",
  "js/screens/refund.js",
  "js/screens/result.js",
  "js/screens/sale.js",
  "js/screens/shopper.js",
  "backoffice/index.html",
  "backoffice/manifest.webmanifest",
  "backoffice/backoffice.css",
  "backoffice/shell.js",
  "backoffice/common.js",
  "backoffice/stock.js",
  "backoffice/drops.js",
  "backoffice/book.js",
  "backoffice/book_delivery.js",
  "backoffice/decisions.js",
  "backoffice/sales.js",
  "backoffice/staff.js",
  "reconciliation/index.html",
  "reconciliation/reconciliation.js",
  "reconciliation/upload.js",
  "reconciliation/review.js",
  "reconciliation/paid.js",
  "reconciliation/audit.js",
  "reconciliation/mapping.js",
  "reconciliation/money.js",
  "reconciliation/rowactions.js",
  "reconciliation/feeds.js",
  "shipping/index.html",
  "shipping/shipping.js",
  "reports/index.html",
  "reports/shift.html",
  "reports/reports.js",
  "reports/shift.js",
  "printing/index.html",
  "printing/printing.js",
];

const scope = new URL(self.registration.scope);
const shellUrls = SHELL.map((path) => new URL(path, scope).href);
const shellSet = new Set(shellUrls);

self.addEventListener("install", (event) => {
  // cache: "reload" skips the HTTP cache, so a new version never stores an old file.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(shellUrls.map((url) => new Request(url, { cache: "reload" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith("sambung-kasir-") && name !== CACHE).map((name) => caches.delete(name)))));
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

async function fromShell(url, request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(url)) || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || url.pathname.startsWith(`${scope.pathname}api/`)) return;
  url.search = "";
  url.hash = "";
  if (request.mode === "navigate") {
    // The kiosk and the back-office pages open from the cache (also offline); other pages (the
    // shopper's receipt and activation pages, unknown addresses) come from the network.
    const page = url.pathname.endsWith("/") ? new URL("index.html", url).href : url.href;
    if (page.endsWith(".html") && shellSet.has(page)) event.respondWith(fromShell(page, request));
    return;
  }
  if (shellSet.has(url.href)) event.respondWith(fromShell(url.href, request));
});
