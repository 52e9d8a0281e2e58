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
  base's info.ftl (Keycloak 26.7.3), never a dead end: when Keycloak offers no way on (a reset link
  finished in another browser ends on 「帳號已更新」), the page ends with a link to sign in.
-->
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        <#if messageHeader??>
            ${kcSanitize(msg("${messageHeader}"))?no_esc}
        <#else>
            ${message.summary}
        </#if>
    <#elseif section = "form">
    <div id="kc-info-message">
        <p class="instruction">${message.summary}<#if requiredActions??><#list requiredActions>: <b><#items as reqActionItem>${kcSanitize(msg("requiredAction.${reqActionItem}"))?no_esc}<#sep>, </#items></b></#list><#else></#if></p>
        <#if skipLink??>
            <p><a id="screening-sign-in" href="${signInUrl()}">${msg("screeningGoToSignIn")}</a></p>
        <#elseif pageRedirectUri?has_content>
            <p><a href="${pageRedirectUri}">${msg("backToApplication")}</a></p>
        <#elseif actionUri?has_content>
            <p><a href="${actionUri}">${msg("proceedWithAction")}</a></p>
        <#else>
            <p><a id="screening-sign-in" href="${signInUrl()}">${msg("screeningGoToSignIn")}</a></p>
        </#if>
    </div>
    </#if>
</@layout.registrationLayout>