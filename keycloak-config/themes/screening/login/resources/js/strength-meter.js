// The update-password page's strength meter (R-PWD-4): 弱 / 中 / 強 while typing, and the verdict.
// Both come from the server in one call: the level from the passwordStrength policy's own scorer,
// the verdict (and its reason) from the realm's whole password policy, the code that decides on
// submit. Never a scorer or rule copy in the browser: the meter must say what the server will
// decide. Calls are debounced; the server also throttles per session.
const meter = document.getElementById("password-strength");
const input = document.getElementById("password-new");

if (meter && input) {
  const levelEl = document.getElementById("password-strength-level");
  const verdictEl = document.getElementById("password-strength-verdict");
  const reasonEl = document.getElementById("password-strength-reason");
  const bars = meter.querySelectorAll(".password-strength-bar");
  const colours = { weak: "#c9190b", medium: "#f0ab00", strong: "#3e8635" };
  const filled = { weak: 1, medium: 2, strong: 3 };
  const tabId = new URL(meter.dataset.action, window.location.href).searchParams.get("tab_id");
  let timer = null;
  let seq = 0;

  // The bars and the words say the verdict (issue 21 point 7): an accepted password shows its
  // strength; a refused one shows one red bar, and its strength only when strength is the reason
  // (「強」 with three green bars beside 「不可使用」 contradicted itself).
  const show = (level, accepted, reason, rule) => {
    const byStrength = rule === "invalidPasswordStrengthMessage";
    const levelWord = level ? meter.dataset["label" + level[0].toUpperCase() + level.slice(1)] : "\u2014";
    reasonEl.textContent = level && !accepted ? reason || "" : "";
    levelEl.dataset.level = level || "";
    levelEl.textContent = !level || accepted || byStrength ? levelWord : meter.dataset.labelRefused;
    verdictEl.textContent =
      level && (accepted || byStrength)
        ? "(" + (accepted ? meter.dataset.labelAccepted : meter.dataset.labelRefused) + ")"
        : "";
    meter.dataset.accepted = level ? String(accepted) : "";
    bars.forEach((bar, i) => {
      const lit = level && (accepted ? i < filled[level] : i === 0);
      bar.style.background = lit ? (accepted ? colours[level] : colours.weak) : "#d2d2d2";
    });
  };

  const score = async (password, mine, retries = 2) => {
    const response = await fetch(meter.dataset.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ password, tabId }),
    });
    if (response.status === 429 && retries > 0) {
      await new Promise((r) => setTimeout(r, 1000));
      return mine === seq ? score(password, mine, retries - 1) : null;
    }
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const password = input.value;
    if (!password) {
      seq++;
      show(null, false);
      return;
    }
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const result = await score(password, mine);
        if (result && mine === seq) show(result.level, result.accepted, result.message, result.rule);
      } catch (e) {
        if (mine === seq) {
          levelEl.dataset.level = "";
          levelEl.textContent = meter.dataset.labelUnavailable;
          verdictEl.textContent = "";
          reasonEl.textContent = "";
        }
      }
    }, 300);
  });
}
