// Tables and their QR codes: add, rename and remove tables (part of the
// restaurant file, saved with the save bar), rotate a table's code (at
// once: the old sticker stops working), and print the sheet of codes.

import { h, fill, announce } from "../dom.js";
import { slug } from "./menu.js";

async function download(ctx, path, fileName) {
  const response = await ctx.api(path);
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.message || `The download failed (HTTP ${response.status}).`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = h("a", { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function mount(container, ctx) {
  const { doc } = ctx;
  let links = new Map();
  const images = new Map();
  const status = h("p", { className: "notice", attrs: { role: "status" }, hidden: true });
  const list = h("ul", { className: "table-grid", id: "table-list" });

  async function loadLinks() {
    const { data } = await ctx.request(`/restaurants/${ctx.restaurantId}/owner/tables`);
    links = new Map(data.tables.map((t) => [t.id, t.link]));
    render();
  }

  async function qrImage(id) {
    const response = await ctx.api(`/restaurants/${ctx.restaurantId}/owner/tables/${encodeURIComponent(id)}/qr.png`);
    if (!response.ok) return null;
    const old = images.get(id);
    if (old) URL.revokeObjectURL(old);
    const url = URL.createObjectURL(await response.blob());
    images.set(id, url);
    return url;
  }

  function say(text, error = false) {
    status.hidden = false;
    status.className = error ? "notice error-box" : "notice";
    status.textContent = text;
    announce(text);
  }

  async function rotate(table) {
    if (!confirm(`Give ${table.label} a new QR code? The code on the table now stops working at once; print and stick the new one.`)) return;
    try {
      const { data } = await ctx.request(`/restaurants/${ctx.restaurantId}/owner/tables/${encodeURIComponent(table.id)}/rotate`, { method: "POST" });
      links.set(data.id, data.link);
      images.delete(data.id);
      render();
      say(`${data.label} has a new code. The old one now says it was replaced. Print the new code.`);
    } catch (error) {
      say(error.message, true);
    }
  }

  function render() {
    const tables = doc.file.tables ?? [];
    const saved = new Set((doc.saved.tables ?? []).map((t) => t.id));
    fill(list, tables.map((table, index) => {
      const card = h("li", { className: "table-card", dataset: { table: table.id } },
        h("label", { className: "field" }, "Label",
          h("input", { value: table.label, maxLength: 40, attrs: { "aria-label": `Label of table ${table.id}` },
            on: { change: (e) => doc.edit((f) => { f.tables[index].label = e.target.value.trim(); }) } })),
        saved.has(table.id) && links.get(table.id)
          ? [h("img", { alt: `QR code of ${table.label}`, className: "qr" }),
            h("p", { className: "link-text", textContent: links.get(table.id) }),
            h("div", { className: "row" },
              h("button", { type: "button", textContent: "New code", attrs: { "aria-label": `New code for ${table.label}` }, on: { click: () => rotate(table) } }),
              h("button", { type: "button", textContent: "PNG", attrs: { "aria-label": `Download the code of ${table.label} as PNG` },
                on: { click: () => download(ctx, `/restaurants/${ctx.restaurantId}/owner/tables/${encodeURIComponent(table.id)}/qr.png`, `table-${table.id}.png`).catch((e) => say(e.message, true)) } }))]
          : h("p", { className: "muted small", textContent: "Its code is made when you save." }),
        h("button", { type: "button", className: "link strong", textContent: "Remove table",
          on: { click: () => doc.edit((f) => f.tables.splice(index, 1)) } }));
      const img = card.querySelector("img.qr");
      if (img) {
        const cached = images.get(table.id);
        if (cached) img.src = cached;
        else qrImage(table.id).then((url) => { if (url) img.src = url; });
      }
      return card;
    }));
  }

  const addForm = h("form", { className: "panel row", on: { submit: (event) => {
    event.preventDefault();
    const input = addForm.querySelector("input");
    const label = input.value.trim();
    if (!label) return;
    doc.edit((f) => {
      f.tables ??= [];
      const id = slug(label.replace(/^table\s+/i, ""), new Set(f.tables.map((t) => t.id)));
      f.tables.push({ id, label });
    });
    input.value = "";
  } } },
    h("label", { className: "grow" }, "New table ", h("input", { placeholder: "e.g. Table 12 or Terrace 3", maxLength: 40, attrs: { "aria-label": "New table label" } })),
    h("button", { type: "submit", textContent: "Add table" }));

  const paper = h("select", { attrs: { "aria-label": "Paper size" } }, h("option", { value: "a4", textContent: "A4" }), h("option", { value: "letter", textContent: "US Letter" }));
  container.append(
    h("h2", { textContent: "Tables & QR codes" }),
    h("p", { className: "lead", textContent: "Each table has its own code. Add, rename or remove tables, then save. A new code works at once and the old one stops working." }),
    h("div", { className: "panel row" },
      h("span", { className: "grow", textContent: "Print all codes, six to a page, to cut out and stick on the tables. Print at 100 %." }),
      paper,
      h("button", { type: "button", className: "primary", id: "download-sheet", textContent: "Download QR sheet (PDF)",
        on: { click: () => download(ctx, `/restaurants/${ctx.restaurantId}/owner/qr-sheet?paper=${paper.value}`, `${ctx.restaurantId}-tables.pdf`).catch((e) => say(e.message, true)) } })),
    status,
    list,
    addForm,
  );
  // After a save (a new version) tables may have new codes; edits only redraw.
  let version = doc.version;
  doc.subscribe(() => {
    if (doc.version === version) return render();
    version = doc.version;
    loadLinks().catch((e) => say(e.message, true));
  });
  await loadLinks();
}
