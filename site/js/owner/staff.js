// Staff: who can sign in for the restaurant, and as what. Invite someone by
// email as staff (the orders board) or owner (also these pages), change a
// role, remove someone from the restaurant. In AWS Cognito emails a new
// person their temporary password; local mode has no email, so the page
// shows the password once for the owner to hand over.
//
// Talks to GET/POST /restaurants/{id}/owner/staff and
// DELETE /restaurants/{id}/owner/staff/{username} through ctx.api.

import { h, fill, announce } from "../dom.js";

const STATUS = {
  local: {
    invited: "Has not signed in yet",
    active: "Active",
    password_reset_required: "Must reset their password",
    disabled: "Cannot sign in (disabled)",
    unknown: "Unknown state",
  },
  cognito: {
    invited: "Invited: sets a password at first sign-in",
    active: "Active",
    password_reset_required: "Must reset their password",
    disabled: "Cannot sign in (disabled)",
    unknown: "Unknown state",
  },
};

const ROLE = { owner: "Owner", staff: "Staff" };

/** A JSON call through the shell's ctx.api; throws an Error with the API's message. */
async function call(ctx, path, { method = "GET", body } = {}) {
  const response = await ctx.api(path, {
    method,
    headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(data?.message || `The server refused this (HTTP ${response.status}). Please try again.`);
    error.code = data?.code ?? `http_${response.status}`;
    throw error;
  }
  return { status: response.status, data };
}

const nameOf = (member) => member.email ?? member.username;

export async function mount(container, ctx) {
  const base = `/restaurants/${encodeURIComponent(ctx.restaurantId)}/owner/staff`;
  const local = ctx.mode !== "cognito";
  const statusText = STATUS[local ? "local" : "cognito"];
  let members = [];

  const notice = h("div", { className: "notice", attrs: { role: "status" }, hidden: true, tabIndex: -1 });
  const password = h("div", { className: "panel staff-password", hidden: true, tabIndex: -1, attrs: { "aria-labelledby": "staff-password-title" } });
  const list = h("ul", { className: "staff-list", id: "staff-list", attrs: { "aria-label": "People who can sign in" } });
  const count = h("p", { className: "muted small", id: "staff-count" });

  function say(text, { error = false } = {}) {
    notice.hidden = false;
    notice.className = error ? "notice error-box" : "notice";
    notice.textContent = text;
    announce(text);
  }

  function showPassword(member, temporary) {
    const field = h("input", { id: "staff-temporary-password", className: "staff-secret", value: temporary, readOnly: true, spellcheck: false,
      attrs: { "aria-label": `Temporary password for ${nameOf(member)}`, autocomplete: "off" } });
    const copied = h("span", { className: "muted small", attrs: { "aria-live": "polite" } });
    const copy = h("button", { type: "button", className: "primary", textContent: "Copy", on: { click: async () => {
      try {
        await navigator.clipboard.writeText(temporary);
      } catch {
        field.select();
        document.execCommand?.("copy");
      }
      copied.textContent = "Copied.";
    } } });
    const signIn = `${location.origin}/staff/`;
    fill(password,
      h("h3", { id: "staff-password-title", textContent: `Give ${nameOf(member)} this password` }),
      h("p", {}, "They sign in at ", h("a", { href: "/staff/", textContent: signIn }), ` with ${nameOf(member)} and this password:`),
      h("div", { className: "row" }, field, copy, copied),
      h("p", { className: "small", textContent: "It is shown only now. Local mode has no password change, so this stays their password: give it to them in person. The invitation is also in the server's outbox folder." }),
      h("button", { type: "button", className: "link", textContent: "Done, hide the password", on: { click: () => { password.hidden = true; fill(password); } } }),
    );
    password.hidden = false;
    password.focus();
    field.select();
  }

  async function load() {
    const { data } = await call(ctx, base);
    members = data.members;
    render();
  }

  async function changeRole(member, role) {
    try {
      const { data } = await call(ctx, base, { method: "POST", body: { email: nameOf(member), role } });
      await load();
      const who = nameOf(data.member);
      say(data.result === "unchanged"
        ? `${who} already is ${role === "owner" ? "an owner" : "staff"}.`
        : `${who} is now ${role === "owner" ? "an owner" : "staff"}. ${local ? "This applies to their next step on the board or here." : "They get it at their next sign-in, within the hour."}`);
    } catch (error) {
      render();
      say(error.message, { error: true });
    }
  }

  async function remove(member) {
    try {
      await call(ctx, `${base}/${encodeURIComponent(member.username)}`, { method: "DELETE" });
      await load();
      say(`${nameOf(member)} was removed from ${ctx.restaurant?.name ?? "the restaurant"}. ${local
        ? "Their sign-in stopped working here at once."
        : "A sign-in they already have may keep working for up to an hour."} Their account stays (they may work elsewhere).`);
    } catch (error) {
      render();
      say(error.message, { error: true });
    }
  }

  function row(member) {
    const who = nameOf(member);
    const other = member.role === "owner" ? "staff" : "owner";
    const actions = h("div", { className: "staff-actions row" });
    const normal = () => fill(actions,
      h("button", { type: "button", textContent: other === "owner" ? "Make owner" : "Make staff",
        attrs: { "aria-label": `${other === "owner" ? "Make owner" : "Make staff"}: ${who}` },
        on: { click: (event) => { event.target.disabled = true; changeRole(member, other); } } }),
      h("button", { type: "button", className: "danger-outline", textContent: "Remove", attrs: { "aria-label": `Remove ${who}` },
        on: { click: confirmRemove } }));
    function confirmRemove() {
      const yes = h("button", { type: "button", className: "danger", textContent: "Yes, remove",
        attrs: { "aria-label": `Yes, remove ${who}` }, on: { click: () => { yes.disabled = true; remove(member); } } });
      fill(actions,
        h("span", { className: "confirm-text", textContent: member.you
          ? "Remove yourself? You lose the back office and the board here."
          : `Remove ${who} from the restaurant?` }),
        yes,
        h("button", { type: "button", textContent: "Keep", on: { click: () => { normal(); actions.querySelector("button")?.focus(); } } }));
      yes.focus();
    }
    normal();
    return h("li", { className: `staff-member role-${member.role}`, dataset: { username: member.username } },
      h("div", { className: "who" },
        h("strong", { textContent: who }),
        member.you ? h("span", { className: "you", textContent: " (you)" }) : null,
        h("span", { className: "staff-meta" },
          h("span", { className: `role-badge ${member.role}`, textContent: ROLE[member.role] ?? member.role }),
          h("span", { className: `state state-${member.status}`, textContent: statusText[member.status] ?? member.status }))),
      actions);
  }

  function render() {
    const owners = members.filter((m) => m.role === "owner").length;
    count.textContent = `${members.length} ${members.length === 1 ? "person" : "people"}, ${owners} ${owners === 1 ? "owner" : "owners"}. A restaurant always keeps at least one owner.`;
    fill(list, members.length ? members.map(row) : h("li", { className: "muted", textContent: "Nobody yet." }));
  }

  const email = h("input", { id: "invite-email", type: "email", required: true, autocomplete: "off", spellcheck: false, placeholder: "name@example.com", maxLength: 128 });
  const role = h("select", { id: "invite-role" },
    h("option", { value: "staff", textContent: "Staff: the orders board" }),
    h("option", { value: "owner", textContent: "Owner: also the back office" }));
  const submit = h("button", { type: "submit", className: "primary", textContent: "Invite" });
  const form = h("form", { className: "panel", id: "invite-form", noValidate: true, on: { submit: async (event) => {
    event.preventDefault();
    const address = email.value.trim();
    if (!address) {
      say("Type the email address they will sign in with.", { error: true });
      email.focus();
      return;
    }
    submit.disabled = true;
    password.hidden = true;
    try {
      const { data } = await call(ctx, base, { method: "POST", body: { email: address, role: role.value } });
      email.value = "";
      await load();
      const who = nameOf(data.member);
      const as = data.member.role === "owner" ? "an owner" : "staff";
      if (data.result === "invited") {
        say(data.temporary_password
          ? `${who} can now sign in as ${as}.`
          : `Invited ${who} as ${as}. Cognito emailed them a temporary password; they choose their own at their first sign-in.`);
        if (data.temporary_password) showPassword(data.member, data.temporary_password);
      } else if (data.result === "added") {
        say(`${who} already had an account (perhaps at another restaurant). They are now ${as} here and sign in with their usual password. No email was sent.`);
      } else if (data.result === "role_changed") {
        say(`${who} was already here; they are now ${as}.`);
      } else {
        say(`${who} already is ${as} here. Nothing changed.`);
      }
    } catch (error) {
      say(error.message, { error: true });
      email.focus();
    } finally {
      submit.disabled = false;
    }
  } } },
    h("h3", { textContent: "Invite someone" }),
    h("div", { className: "fields" },
      h("label", { className: "field", htmlFor: "invite-email" }, "Email address", email),
      h("label", { className: "field", htmlFor: "invite-role" }, "Role", role)),
    h("p", { className: "muted small", textContent: local
      ? "Local mode has no email: you get a temporary password to give them."
      : "Cognito emails them a temporary password; they choose their own at their first sign-in." }),
    submit);

  container.append(
    h("h2", { textContent: "Staff" }),
    h("p", { className: "lead", textContent: `Who can sign in for ${ctx.restaurant?.name ?? "the restaurant"}. Staff run the orders board; owners also use these pages.` }),
    notice,
    password,
    form,
    h("h3", { textContent: "People" }),
    count,
    list,
    h("p", { className: "muted small", textContent: local
      ? "A change applies to the person's next step: a removed person is signed out here at once."
      : "A change reaches someone at their next sign-in, at most an hour later: a sign-in they already have keeps working until then." }),
  );
  await load();
}
