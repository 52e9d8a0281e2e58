<#import "template.ftl" as layout>
<#--
  Where "sign in" leads: the application the person came from; from a link Keycloak's consoles
  made (a set-up or reset link a manager sent), the screening system (realm text screeningSystemUrl,
  filled at import), never the account console (issue 21 point 5).
-->
<#function signInUrl>
  <#if client?? && client.baseUrl?has_content && !["account", "account-console", "security-admin-console", "admin-cli"]?seq_contains(client.clientId)>
    <#return client.baseUrl>
  </#if>
  <#if msg("screeningSystemUrl")?starts_with("http")>
    <#return msg("screeningSystemUrl")>
  </#if>
  <#return url.loginRestartFlowUrl?keep_before("/login-actions/") + "/account/">
</#function>
<#--
  base's error.ftl (Keycloak 26.7.3), never a dead end: an expired or used reset link and the
  like end with a link to sign in (the application's page, or the account console).
-->
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${kcSanitize(msg("errorTitle"))?no_esc}
    <#elseif section = "form">
        <div id="kc-error-message">
            <p class="instruction">${kcSanitize(message.summary)?no_esc}</p>
            <#if traceId??>
                <p class="instruction" id="traceId">${msg("traceIdSupportMessage", traceId)}</p>
            </#if>
            <p><a id="screening-sign-in" href="${signInUrl()}">${msg("screeningGoToSignIn")}</a></p>
        </div>
    </#if>
</@layout.registrationLayout>