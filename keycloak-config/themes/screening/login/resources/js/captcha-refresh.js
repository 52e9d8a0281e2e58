// The forgot-password page's "new image" link (issue 21 point 8): the form is sent with
// captchaNewImage, so the step shows a new image with the account and e-mail as typed (a plain
// link would open the step afresh and lose them). Without script the link still works.
const link = document.getElementById("captcha-refresh");
const form = document.getElementById("kc-reset-password-form");

if (link && form) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "captchaNewImage";
    flag.value = "1";
    form.appendChild(flag);
    form.submit();
  });
}
