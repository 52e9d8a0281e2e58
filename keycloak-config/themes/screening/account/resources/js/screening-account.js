// The account console's page title in the person's language (the theme's title is in both;
// keycloak.v3 has no message for it). The page's locale is Keycloak's choice for the person.
const environment = JSON.parse(document.getElementById("environment")?.textContent || "{}");
document.title = (environment.locale || "").toLowerCase().startsWith("en")
  ? "Cancer screening: my account"
  : "癌症篩檢：我的帳號";
