// The menu editor: categories (their order), items (name, description,
// price, photo, allergens, dietary tags, station, tax rate, sold out) and
// option groups with their rules. Edits change the working copy of the
// restaurant file; the save bar saves them all at once (main.js), and the
// server checks every rule and names the item when one is broken.

import { h, fill } from "../dom.js";

export const ALLERGENS = ["gluten", "crustaceans", "eggs", "fish", "peanuts", "soybeans", "milk", "nuts", "celery", "mustard", "sesame", "sulphites", "lupin", "molluscs"];
export const DIETARY = ["vegetarian", "vegan", "gluten_free", "dairy_free", "halal", "kosher", "spicy"];
const words = (id) => id.replace(/_/g, " ");

/** A slug id from a name, unique among `taken`: "Pizza Diavola" -> "pizza-diavola". */
export function slug(name, taken) {
  const base = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 56) || "item";
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

function money(ctx, text) {
  const value = Number(text);
  if (!Number.isFinite(value)) return String(text);
  try {
    return new Intl.NumberFormat(ctx.restaurant.locale, { style: "currency", currency: ctx.restaurant.currency }).format(value);
  } catch {
    return `${text} ${ctx.restaurant.currency}`;
  }
}

function move(list, index, by) {
  const to = index + by;
  if (to < 0 || to >= list.length) return;
  [list[index], list[to]] = [list[to], list[index]];
}

export async function mount(container, ctx) {
  const { doc } = ctx;
  const dialog = itemDialog(ctx);
  container.append(dialog.node);
  const body = h("div");
  container.append(
    h("h2", { textContent: "Menu" }),
    h("p", { className: "lead", textContent: "Changes show on the diner site as soon as you save. Orders already placed keep the prices they were placed with." }),
    body,
  );

  const render = () => {
    const file = doc.file;
    const stations = [...new Set(file.categories.flatMap((c) => c.items.map((i) => i.station)).filter(Boolean))];
    dialog.setStations(stations);
    fill(body,
      doc.notice ? h("p", { className: "notice", attrs: { role: "status" }, textContent: doc.notice }) : null,
      file.categories.map((category, ci) => h("section", { className: "panel category-edit", attrs: { "aria-label": `Category ${category.name}` } },
        h("div", { className: "row" },
          h("label", { className: "grow" },
            h("span", { className: "visually-hidden", textContent: "Category name" }),
            h("input", { value: category.name, className: "category-name", attrs: { "aria-label": "Category name" },
              on: { change: (e) => doc.edit((f) => { f.categories[ci].name = e.target.value.trim(); }) } })),
          h("button", { type: "button", className: "icon", textContent: "↑", disabled: ci === 0, attrs: { "aria-label": `Move ${category.name} up` },
            on: { click: () => doc.edit((f) => move(f.categories, ci, -1)) } }),
          h("button", { type: "button", className: "icon", textContent: "↓", disabled: ci === file.categories.length - 1, attrs: { "aria-label": `Move ${category.name} down` },
            on: { click: () => doc.edit((f) => move(f.categories, ci, 1)) } }),
          h("button", { type: "button", className: "link strong", textContent: "Remove category", disabled: category.items.length > 0,
            title: category.items.length ? "Move or remove its items first" : "",
            on: { click: () => doc.edit((f) => f.categories.splice(ci, 1)) } })),
        h("ul", { className: "item-rows" },
          category.items.map((item, ii) => h("li", { className: `item-row${item.available === false ? " off" : ""}` },
            h("div", { className: "what" },
              h("strong", { textContent: item.name }),
              h("span", { className: "muted small", textContent: [money(ctx, item.price), item.station, item.option_groups?.length ? `${item.option_groups.length} option group${item.option_groups.length > 1 ? "s" : ""}` : null].filter(Boolean).join(" · ") }),
              item.available === false ? h("span", { className: "badge-off", textContent: " Sold out" }) : null),
            h("div", { className: "row" },
              h("button", { type: "button", className: "icon", textContent: "↑", disabled: ii === 0, attrs: { "aria-label": `Move ${item.name} up` },
                on: { click: () => doc.edit((f) => move(f.categories[ci].items, ii, -1)) } }),
              h("button", { type: "button", className: "icon", textContent: "↓", disabled: ii === category.items.length - 1, attrs: { "aria-label": `Move ${item.name} down` },
                on: { click: () => doc.edit((f) => move(f.categories[ci].items, ii, 1)) } }),
              h("button", { type: "button", textContent: "Edit", attrs: { "aria-label": `Edit ${item.name}` },
                on: { click: () => dialog.open(item, (edited) => doc.edit((f) => { f.categories[ci].items[ii] = edited; }),
                  () => doc.edit((f) => f.categories[ci].items.splice(ii, 1))) } }))))),
        h("button", { type: "button", textContent: `Add an item to ${category.name}`,
          on: { click: () => dialog.open(null, (created) => doc.edit((f) => {
            const taken = new Set(f.categories.flatMap((c) => c.items.map((i) => i.id)));
            created.id = slug(created.name, taken);
            f.categories[ci].items.push(created);
          })) } }))),
      h("form", { className: "panel row", on: { submit: (e) => {
        e.preventDefault();
        const input = e.target.querySelector("input");
        const name = input.value.trim();
        if (!name) return;
        doc.edit((f) => f.categories.push({ id: slug(name, new Set(f.categories.map((c) => c.id))), name, items: [] }));
        input.value = "";
      } } },
        h("label", { className: "grow" }, "New category ", h("input", { placeholder: "e.g. Desserts", attrs: { "aria-label": "New category name" } })),
        h("button", { type: "submit", textContent: "Add category" })),
    );
  };
  doc.subscribe(render);
  render();
}

/**
 * A phone's photo made fit for the menu: at most 1600 pixels on its long
 * side, as a JPEG (a few hundred KB). Small JPEG, PNG and WebP files are
 * sent as they are.
 */
async function shrink(file) {
  if (file.size <= 600 * 1024 && ["image/jpeg", "image/png", "image/webp"].includes(file.type)) return file;
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("This photo could not be read."))), "image/jpeg", 0.85));
}

/** The dialog that edits one item (a copy; nothing changes until "Done"). */
function itemDialog(ctx) {
  let item = null;
  let onDone = null;
  let onRemove = null;
  const stationList = h("datalist", { id: "station-list" });
  const form = h("form", { className: "sheet-body", attrs: { method: "dialog", novalidate: true } });
  const node = h("dialog", { className: "sheet", id: "item-dialog", attrs: { "aria-labelledby": "item-dialog-title" } }, form, stationList);

  const field = (label, input) => h("label", { className: "field" }, label, input);
  const checks = (legend, values, chosen, name) => h("fieldset", { className: "checks" }, h("legend", { textContent: legend }),
    values.map((v) => h("label", {}, h("input", { type: "checkbox", name, value: v, checked: chosen.includes(v) }), words(v))));

  function groupEditor(group, groups) {
    const box = h("fieldset", { className: "group-edit" });
    const render = () => fill(box,
      h("legend", { textContent: group.name || "New option group" }),
      h("div", { className: "fields" },
        field("Group name", h("input", { value: group.name, attrs: { "aria-label": "Option group name" }, on: { change: (e) => { group.name = e.target.value.trim(); render(); } } })),
        field("At least", h("input", { type: "number", min: 0, value: group.min, attrs: { "aria-label": "Fewest choices" }, on: { change: (e) => { group.min = Number(e.target.value); } } })),
        field("At most", h("input", { type: "number", min: 1, value: group.max, attrs: { "aria-label": "Most choices" }, on: { change: (e) => { group.max = Number(e.target.value); } } }))),
      h("p", { className: "muted small", textContent: "At least 1 makes the choice required (a size, a side); 0 makes it optional (extras)." }),
      group.options.map((option, oi) => h("div", { className: "option-edit" },
        h("input", { value: option.name, placeholder: "Option", attrs: { "aria-label": "Option name" }, on: { change: (e) => { option.name = e.target.value.trim(); } } }),
        h("input", { value: option.price_delta ?? "", placeholder: "+ price", inputMode: "decimal", attrs: { "aria-label": `Extra price of ${option.name || "the option"}` }, on: { change: (e) => { option.price_delta = e.target.value.trim() || undefined; } } }),
        h("button", { type: "button", className: "link strong", textContent: "Remove", on: { click: () => { group.options.splice(oi, 1); render(); } } }))),
      h("div", { className: "row" },
        h("button", { type: "button", textContent: "Add option", on: { click: () => { group.options.push({ id: "", name: "", available: true }); render(); } } }),
        h("button", { type: "button", className: "link strong", textContent: "Remove group", on: { click: () => { groups.splice(groups.indexOf(group), 1); box.remove(); } } })));
    render();
    return box;
  }

  /** The photo: uploaded from the phone (shrunk first), or an address. */
  function photoField() {
    const address = h("input", { name: "image_url", value: item.image_url ?? "", attrs: { "aria-label": "Photo address" }, placeholder: "/photos/... or https://..." });
    const preview = h("img", { className: "photo-preview", alt: "", hidden: !item.image_url, src: item.image_url || "" });
    const status = h("span", { className: "muted small", attrs: { role: "status" } });
    const upload = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp", attrs: { "aria-label": "Upload a photo" },
      on: { change: async (event) => {
        const file = event.target.files[0];
        if (!file) return;
        status.textContent = "Uploading…";
        try {
          const blob = await shrink(file);
          const { data } = await ctx.request(`/restaurants/${ctx.restaurantId}/owner/photos`, { method: "POST", raw: blob, headers: { "content-type": blob.type } });
          address.value = data.url;
          preview.src = data.url;
          preview.hidden = false;
          status.textContent = `Uploaded (${Math.max(1, Math.round(data.bytes / 1024))} KB). Press Done, then save.`;
        } catch (error) {
          status.textContent = error.message;
        }
      } } });
    return h("div", { className: "field" }, "Photo", h("div", { className: "row" }, preview, upload), address, status);
  }

  function render() {
    const groupsBox = h("div");
    const renderGroups = () => fill(groupsBox, item.option_groups.map((g) => groupEditor(g, item.option_groups)));
    renderGroups();
    fill(form,
      h("h2", { id: "item-dialog-title", textContent: item.id ? `Edit ${item.name}` : "New item" }),
      h("div", { className: "fields" },
        field("Name", h("input", { name: "name", value: item.name, required: true })),
        field(`Price (${ctx.restaurant.currency})`, h("input", { name: "price", value: item.price, inputMode: "decimal", required: true, placeholder: "9.50" })),
        field("Station (printer)", h("input", { name: "station", value: item.station, attrs: { list: "station-list" } })),
        field("Tax rate (%)", h("input", { name: "tax_rate", value: item.tax_rate ?? "", inputMode: "decimal", placeholder: ctx.doc.file.restaurant.default_tax_rate }))),
      field("Description", h("textarea", { name: "description", value: item.description ?? "", maxLength: 500 })),
      photoField(),
      checks("Allergens", ALLERGENS, item.allergens ?? [], "allergens"),
      checks("Dietary", DIETARY, item.dietary ?? [], "dietary"),
      h("label", { className: "checks" }, h("input", { type: "checkbox", name: "available", checked: item.available !== false }), "Available (untick for sold out)"),
      h("h3", { textContent: "Options" }),
      groupsBox,
      h("button", { type: "button", textContent: "Add option group", on: { click: () => { item.option_groups.push({ id: "", name: "", min: 1, max: 1, options: [] }); renderGroups(); } } }),
      h("p", { className: "error", attrs: { role: "alert" }, id: "item-error" }),
      h("div", { className: "actions" },
        onRemove ? h("button", { type: "button", className: "link strong", textContent: "Remove item", on: { click: () => { onRemove(); node.close(); } } }) : null,
        h("button", { type: "button", textContent: "Cancel", on: { click: () => node.close() } }),
        h("button", { type: "submit", className: "primary", textContent: "Done" })));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const name = String(data.get("name") || "").trim();
    const price = String(data.get("price") || "").trim().replace(",", ".");
    if (!name || !price) {
      form.querySelector("#item-error").textContent = "An item needs a name and a price.";
      return;
    }
    const edited = { ...item, name, price, station: String(data.get("station") || "").trim() || "kitchen",
      description: String(data.get("description") || "").trim() || undefined,
      image_url: String(data.get("image_url") || "").trim() || undefined,
      allergens: data.getAll("allergens"), dietary: data.getAll("dietary"), available: data.get("available") === "on" };
    for (const list of ["allergens", "dietary", "option_groups"]) if (!edited[list].length) delete edited[list];
    const tax = String(data.get("tax_rate") || "").trim().replace(",", ".");
    if (tax) edited.tax_rate = tax; else delete edited.tax_rate;
    // Ids for new groups and options, unique where they must be.
    const groups = edited.option_groups ?? [];
    const groupIds = new Set(groups.map((g) => g.id).filter(Boolean));
    for (const group of groups) {
      if (!group.id) { group.id = slug(group.name || "group", groupIds); groupIds.add(group.id); }
      const optionIds = new Set(group.options.map((o) => o.id).filter(Boolean));
      for (const option of group.options) {
        if (!option.id) { option.id = slug(option.name || "option", optionIds); optionIds.add(option.id); }
        if (option.price_delta) option.price_delta = String(option.price_delta).replace(",", ".");
      }
    }
    onDone(edited);
    node.close();
  });

  return {
    node,
    setStations(stations) { fill(stationList, stations.map((s) => h("option", { value: s }))); },
    open(existing, done, remove = null) {
      item = structuredClone(existing ?? { id: "", name: "", price: "", station: "kitchen", available: true, allergens: [], dietary: [], option_groups: [] });
      item.option_groups ??= [];
      onDone = done;
      onRemove = remove;
      render();
      node.showModal();
      form.querySelector("input[name=name]").focus();
    },
  };
}
