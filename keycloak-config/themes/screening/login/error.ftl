<#import "template.ftl" as layout>
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
            <#if client?? && client.baseUrl?has_content>
                <p><a id="screening-sign-in" href="${client.baseUrl}">${msg("screeningGoToSignIn")}</a></p>
            <#else>
                <p><a id="screening-sign-in" href="${url.loginRestartFlowUrl?keep_before('/login-actions/')}/account/">${msg("screeningGoToSignIn")}</a></p>
            </#if>
        </div>
    </#if>
</@layout.registrationLayout>