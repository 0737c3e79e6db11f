// Local development only: /api/dev/messages exists when SAMBUNG_MESSAGES_PROVIDER=dev.
const list = document.getElementById("list");
const when = new Intl.DateTimeFormat("id-ID", { dateStyle: "short", timeStyle: "medium" });

// Text with its http(s) links made clickable, built from DOM nodes (no HTML from the server).
function linkified(text) {
  const p = document.createElement("p");
  p.className = "text";
  for (const part of text.split(/(https?:\/\/\S+)/)) {
    if (/^https?:\/\//.test(part)) {
      const a = document.createElement("a");
      a.href = part;
      a.textContent = part;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      p.append(a);
    } else {
      p.append(part);
    }
  }
  return p;
}

function render(messages) {
  if (!messages.length) {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = "Belum ada pesan. Selesaikan transaksi dengan pelanggan terhubung untuk melihat struk dan tautan aktivasi.";
    list.replaceChildren(p);
    return;
  }
  list.replaceChildren(...messages.map((m) => {
    const article = document.createElement("article");
    const meta = document.createElement("div");
    meta.className = "meta";
    for (const [cls, value] of [["to", m.to_display], ["", m.template], ["", when.format(new Date(m.at))]]) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = value;
      meta.append(span);
    }
    article.append(meta, linkified(m.text));
    return article;
  }));
}

async function refresh() {
  try {
    const response = await fetch("/api/dev/messages?limit=200", { headers: { Accept: "application/json" } });
    if (response.status === 404) {
      list.replaceChildren(Object.assign(document.createElement("p"), {
        className: "empty", textContent: "Penyedia pesan lokal tidak aktif (SAMBUNG_MESSAGES_PROVIDER bukan dev)." }));
      return;
    }
    render((await response.json()).messages);
  } catch {
    // The stack may be restarting; the next tick tries again.
  }
}

refresh();
setInterval(refresh, 3000);
