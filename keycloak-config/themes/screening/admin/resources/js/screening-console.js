// The admin console as an institution manager meets it (issue 21 point 2; decision 0150).
//
// Keycloak 26.7.3's admin console (keycloak.v2) lets a theme change its words (messages) and add
// styles and scripts (theme.properties `styles`, `scripts`); nothing else reaches the group picker
// or the password dialog. So this script, loaded after the console's own, does four small things
// the messages cannot:
//   1. names beside the codes a manager picks and reads: each group's description (the
//      institution's name, the category's name, 使用者/管理者), set by the sync service;
//   2. the password rules inside the set-password dialog, and the dialog opened again with what
//      was typed when Keycloak refuses the password (the console closes it on any answer);
//   3. the credential type in words ("Password" is printed as the type's key);
//   4. the denial page in the person's language, with a way back to the screening system;
//   5. the set-password dialog closed with × or Escape as with its Cancel button: closed the other
//      way, 26.7.3 never opens it again until the page is reloaded (its parent is not told).
// It reads what the console itself fetches (the console's token is used only for the same
// look-ups the console makes) and changes only text it adds. It is pinned to 26.7.3's markup
// (data-testid attributes, ids); the walk test (tests/browser/test_every_page_words.py) reads
// every screen it touches, so an upgrade that breaks it fails there.

const environment = JSON.parse(document.getElementById("environment")?.textContent || "{}");
const realm = environment.realm;
const adminApi = `${environment.adminBaseUrl}/admin/realms/${realm}`;
const MARK = "data-screening-words";

let bearer = null; // the console's own Authorization header, as its requests carry it
let words = null; // the console's messages in the person's language (ours and the realm's included)
let wordsLanguage = null;
const described = new Map(); // group name (or path) -> description
const asked = new Set(); // group paths already looked up
let typedPassword = null; // what is typed in the set-password dialog, until Keycloak answers
let refusal = null; // Keycloak's sentence for a refused password, shown in the dialog opened again

// ---- what the console fetches --------------------------------------------------------

const consoleFetch = window.fetch.bind(window);
window.fetch = async (input, init = {}) => {
  let url = "";
  try {
    // The console passes a string, a URL or a Request; whatever it is, the console's fetch goes on.
    url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    if (headers.get("Authorization")) bearer = headers.get("Authorization");
  } catch (e) {
    url = "";
  }
  const response = await consoleFetch(input, init);
  try {
    const method = (init.method || (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (url.startsWith(adminApi)) {
      heard(url, method, response.clone()).catch(() => {});
    } else if (/\/console\/whoami/.test(url)) {
      response
        .clone()
        .json()
        .then((me) => learnLanguage(me.locale))
        .catch(() => learnLanguage(null));
    }
  } catch (e) {
    // Reading along must never change what the console gets.
  }
  return response;
};

async function heard(url, method, response) {
  const path = url.slice(adminApi.length).split("?")[0];
  if (method === "GET" && response.ok && /^\/(groups|group-by-path|users\/[^/]+\/groups)/.test(path)) {
    remember(await response.json());
  } else if (method === "PUT" && /^\/users\/[^/]+\/reset-password$/.test(path) && !response.ok) {
    const body = await response.json().catch(() => ({}));
    refusal = body.error_description || body.errorMessage || body.error || "";
    openPasswordDialogAgain();
  } else if (method === "PUT" && /^\/users\/[^/]+\/reset-password$/.test(path)) {
    typedPassword = null;
  }
}

function remember(found) {
  for (const group of Array.isArray(found) ? found : [found]) {
    if (!group || typeof group !== "object") continue;
    if (group.description) {
      described.set(group.name, group.description);
      if (group.path) described.set(group.path, group.description);
    }
    if (Array.isArray(group.subGroups)) remember(group.subGroups);
  }
  schedule();
}

/** Descriptions of the groups on a path the console shows, looked up once each. */
function lookUpPath(path) {
  const parts = path.split("/").filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const prefix = "/" + parts.slice(0, i).join("/");
    if (described.has(prefix) || asked.has(prefix) || !bearer) continue;
    asked.add(prefix);
    consoleFetch(`${adminApi}/group-by-path${prefix.split("/").map(encodeURIComponent).join("/")}`, {
      headers: { Authorization: bearer, Accept: "application/json" },
    })
      .then((r) => (r.ok ? r.json() : null))
      .then((g) => g && remember(g))
      .catch(() => {});
  }
}

// ---- the person's language -----------------------------------------------------------

/** The console's language as Keycloak gives it (whoami), else the token's locale claim (a
 *  person the console refuses gets no whoami), else the browser's: English or the realm's zh-Hant. */
function learnLanguage(locale) {
  if (wordsLanguage) return;
  if (!locale) {
    try {
      const payload = bearer.split(" ")[1].split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      locale = JSON.parse(decodeURIComponent(escape(atob(payload)))).locale;
    } catch (e) {
      locale = null;
    }
  }
  wordsLanguage = locale || ((navigator.language || "").toLowerCase().startsWith("en") ? "en" : "zh-Hant");
  consoleFetch(`${environment.adminBaseUrl}/resources/${realm}/admin/${wordsLanguage}`)
    .then((r) => r.json())
    .then((list) => {
      words = Object.fromEntries(list.map(({ key, value }) => [key, value]));
      schedule();
    })
    .catch(() => {});
}

const say = (key, fallback = "") => (words && words[key]) || fallback;
/** A group's description is "中文 / English" (or a name in one language): the person's half. */
const inLanguage = (description) => {
  const [zh, en] = description.split(" / ");
  return wordsLanguage === "en" && en ? en : zh;
};

// ---- what the person sees ------------------------------------------------------------

let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    decorate();
  });
}

function addWords(element, text) {
  if (!text || [...element.children].some((c) => c.hasAttribute(MARK))) return;
  const span = document.createElement("span");
  span.setAttribute(MARK, ownText(element));
  span.className = "screening-words";
  span.textContent = ` ${text}`;
  element.appendChild(span);
}

const ownText = (element) =>
  [...element.childNodes]
    .filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.textContent)
    .join("")
    .trim();

function decorate() {
  // The page's title in the person's language (the theme's own is in both, until words come).
  if (words && words.screeningConsoleTitle && document.title !== words.screeningConsoleTitle) {
    document.title = words.screeningConsoleTitle;
  }
  // Words whose element the console has since given other text (React reuses elements) go.
  for (const span of document.querySelectorAll(`span[${MARK}]`)) {
    if (span.parentElement && ownText(span.parentElement) !== span.getAttribute(MARK)) span.remove();
  }
  // Group names and paths, wherever the console prints them (picker, breadcrumbs, tables, chips).
  for (const element of document.querySelectorAll("main span, main td, main li, main button, [role=dialog] span, [role=dialog] li, [role=dialog] button")) {
    const text = ownText(element);
    if (!text) continue;
    if (/^\/institutions(\/[^/\s]+)*$/.test(text)) {
      lookUpPath(text);
      const names = text
        .split("/")
        .filter(Boolean)
        .slice(1)
        .map((name, i, all) => described.get("/institutions/" + all.slice(0, i + 1).join("/")) || described.get(name));
      if (names.length && names.every(Boolean)) addWords(element, `（${names.map(inLanguage).join(" › ")}）`);
    } else if (described.has(text) && !text.startsWith("/")) {
      addWords(element, `（${inLanguage(described.get(text))}）`);
    }
  }
  // The group's members: the first column is the account, labelled "name" by the console.
  const account = document.querySelector('table[data-testid="members-table"] thead th:nth-child(2)');
  if (account && words && account.firstChild?.nodeType === Node.TEXT_NODE && account.firstChild.textContent !== say("username")) {
    account.firstChild.textContent = say("username", account.firstChild.textContent);
  }
  // The credential's type, printed as its key.
  for (const cell of document.querySelectorAll('[data-testid="credentialType"], .kc-expandableRow-credentialType')) {
    if (ownText(cell).toLowerCase() === "password" && words) cell.firstChild.textContent = say("password", "Password");
  }
  passwordDialog();
  deniedPage();
}

function passwordDialog() {
  const field = document.querySelector('[role=dialog] [data-testid="passwordField"]');
  if (!field || !words) return;
  const dialog = field.closest("[role=dialog]");
  if (!dialog.querySelector("#screening-password-rules")) {
    const box = document.createElement("div");
    box.id = "screening-password-rules";
    box.className = "screening-password-rules";
    const title = document.createElement("p");
    title.textContent = say("screeningPasswordRulesTitle");
    const list = document.createElement("ul");
    for (const key of ["Length", "Classes", "Symbols", "Strength", "PersonalData", "Age"]) {
      const item = document.createElement("li");
      item.textContent = say(`screeningPasswordRule${key}`);
      list.appendChild(item);
    }
    const refused = document.createElement("p");
    refused.id = "screening-password-refused";
    refused.setAttribute("role", "alert");
    box.append(title, list, refused);
    dialog.querySelector("form")?.prepend(box);
    for (const input of dialog.querySelectorAll('[data-testid="passwordField"], [data-testid="passwordConfirmationField"]')) {
      input.addEventListener("input", () => {
        if (input.dataset.testid === "passwordField") typedPassword = input.value;
      });
    }
  }
  const refused = dialog.querySelector("#screening-password-refused");
  if (refusal && refused.textContent !== refusal) refused.textContent = refusal;
}

/** The console closes the dialog on any answer; when the answer was a refusal it opens again
 *  with what was typed, and the reason in it. */
function openPasswordDialogAgain() {
  const password = typedPassword;
  if (!password) return;
  const started = Date.now();
  const reopen = () => {
    if (Date.now() - started > 15000) return;
    if (document.querySelector('[role=dialog] [data-testid="passwordField"]')) {
      return requestAnimationFrame(reopen); // still closing
    }
    const button = document.querySelector('[data-testid="resetPasswordBtn"]');
    if (!button) return requestAnimationFrame(reopen);
    button.click();
    const refill = () => {
      const field = document.querySelector('[role=dialog] [data-testid="passwordField"]');
      const confirm = document.querySelector('[role=dialog] [data-testid="passwordConfirmationField"]');
      if (!field || !confirm) return Date.now() - started < 15000 && requestAnimationFrame(refill);
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
      for (const input of [field, confirm]) {
        setValue.call(input, password);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
      schedule();
    };
    requestAnimationFrame(refill);
  };
  setTimeout(reopen, 0);
}

/** The page the console shows a person it refuses: in their language, with a way back. The
 *  console's own words stay in the page, hidden; ours go beside them. */
function deniedPage() {
  if (document.querySelector("main, nav[aria-label], #screening-console-forbidden")) return;
  const alert = document.querySelector("#app > section .pf-v5-c-alert.pf-m-danger");
  if (alert && !wordsLanguage) learnLanguage(null); // no whoami for a person the console refuses
  if (!words) return;
  const title = alert?.querySelector(".pf-v5-c-alert__title");
  if (!title) return;
  title.hidden = true;
  const ours = document.createElement("p");
  ours.id = "screening-console-forbidden";
  ours.className = "pf-v5-c-alert__title";
  ours.textContent = say("screeningConsoleForbidden");
  title.after(ours);
  const desk = say("screeningHelpDesk"); // whom to call (policies/helpdesk.toml, a realm text)
  if (desk) {
    const call = document.createElement("p");
    call.id = "screening-help-desk";
    call.textContent = desk;
    ours.after(call);
  }
  const url = say("screeningSystemUrl");
  if (url) {
    const back = document.createElement("p");
    const link = document.createElement("a");
    link.href = url;
    link.id = "screening-system-link";
    link.textContent = say("screeningBackToSystem");
    back.appendChild(link);
    ours.after(back);
  }
  for (const action of alert.querySelectorAll("a, button")) {
    const text = action.firstChild;
    if (text && text.nodeType === Node.TEXT_NODE && /sign out|登出/i.test(text.textContent)) {
      text.textContent = say("signOut", text.textContent);
    }
  }
}

/** The set-password dialog's own Cancel (it tells the page the dialog is closed). */
function passwordDialogCancel(dialog) {
  if (!dialog || !dialog.querySelector('[data-testid="passwordField"]')) return null;
  return dialog.querySelector("footer #modal-cancel, footer button.pf-m-link, footer button.pf-m-secondary");
}

document.addEventListener(
  "keydown",
  (event) => {
    if (event.key !== "Escape") return;
    const cancel = passwordDialogCancel(document.querySelector('[role=dialog]:has([data-testid="passwordField"])'));
    if (cancel) {
      event.preventDefault();
      event.stopImmediatePropagation();
      cancel.click();
    }
  },
  true,
);
document.addEventListener(
  "click",
  (event) => {
    const close = event.target.closest?.('[role=dialog] button[aria-label="Close"]');
    const cancel = close && passwordDialogCancel(close.closest("[role=dialog]"));
    if (cancel) {
      event.preventDefault();
      event.stopImmediatePropagation();
      cancel.click();
    }
  },
  true,
);

new MutationObserver(schedule).observe(document.documentElement, { childList: true, subtree: true });
