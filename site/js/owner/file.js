// Import and export of the whole restaurant file (YAML or JSON): the same
// file `tabletap-local import` and `tabletap-ops create-restaurant` read.
// An import is checked whole before anything is saved; a refused file
// names its line and changes nothing.

import { h, announce } from "../dom.js";

export async function mount(container, ctx) {
  const status = h("p", { attrs: { role: "status" }, hidden: true });
  const say = (text, error = false) => {
    status.hidden = false;
    status.className = error ? "notice error-box" : "notice";
    status.textContent = text;
    announce(text);
  };
  async function exportAs(format) {
    const response = await ctx.api(`/restaurants/${ctx.restaurantId}/owner/restaurant?format=${format}`);
    if (!response.ok) return say(`The export failed (HTTP ${response.status}).`, true);
    const url = URL.createObjectURL(await response.blob());
    const link = h("a", { href: url, download: `${ctx.restaurantId}.${format}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  const input = h("input", { type: "file", id: "import-file", accept: ".yaml,.yml,.json,application/json,application/yaml" });
  const form = h("form", { className: "panel", on: { submit: async (event) => {
    event.preventDefault();
    const file = input.files[0];
    if (!file) return say("Choose a file first.", true);
    if (ctx.doc.dirty && !confirm("You have unsaved changes; the import replaces them. Import anyway?")) return;
    if (!confirm(`Replace the menu, settings and tables with ${file.name}? Tables not in the file are removed (their codes stop working).`)) return;
    const type = file.name.endsWith(".json") ? "application/json" : "application/yaml";
    try {
      const { data } = await ctx.request(`/restaurants/${ctx.restaurantId}/owner/restaurant`, { method: "PUT", raw: await file.text(), headers: { "content-type": type } });
      await ctx.doc.reload();
      say(data.message);
    } catch (error) {
      say(`Nothing was changed. ${error.message}`, true);
    }
  } } },
    h("h3", { textContent: "Import" }),
    h("p", { className: "muted", textContent: "Replace everything with a restaurant file (YAML or JSON). Every rule is checked before anything is saved." }),
    h("label", { className: "field" }, "Restaurant file", input),
    h("button", { type: "submit", className: "primary", textContent: "Check and import" }));
  container.append(
    h("h2", { textContent: "Import / export" }),
    h("p", { className: "lead", textContent: "The whole restaurant as one file: to keep a copy, edit it in a text editor, or move it to another TableTap." }),
    h("section", { className: "panel" },
      h("h3", { textContent: "Export" }),
      h("div", { className: "row" },
        h("button", { type: "button", textContent: "Download YAML", on: { click: () => exportAs("yaml") } }),
        h("button", { type: "button", textContent: "Download JSON", on: { click: () => exportAs("json") } }))),
    form,
    status,
  );
}
