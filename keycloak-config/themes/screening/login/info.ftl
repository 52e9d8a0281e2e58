<#import "template.ftl" as layout>
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
            <p><a id="screening-sign-in" href="${((client.baseUrl)?has_content)?then(client.baseUrl, url.loginRestartFlowUrl?keep_before('/login-actions/') + '/account/')}">${msg("screeningGoToSignIn")}</a></p>
        <#elseif pageRedirectUri?has_content>
            <p><a href="${pageRedirectUri}">${msg("backToApplication")}</a></p>
        <#elseif actionUri?has_content>
            <p><a href="${actionUri}">${msg("proceedWithAction")}</a></p>
        <#elseif (client.baseUrl)?has_content>
            <p><a id="screening-sign-in" href="${client.baseUrl}">${msg("screeningGoToSignIn")}</a></p>
        <#else>
            <p><a id="screening-sign-in" href="${url.loginRestartFlowUrl?keep_before('/login-actions/')}/account/">${msg("screeningGoToSignIn")}</a></p>
        </#if>
    </div>
    </#if>
</@layout.registrationLayout>