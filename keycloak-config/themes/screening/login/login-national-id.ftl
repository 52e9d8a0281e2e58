<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#--
  The first-sign-in step of an account that holds no national ID yet (decision 0120): every
  account belongs to one person, known by their national ID (R-ACC-1). Keycloak keeps keyed
  digests of the number, never the number (decision 0030). Asked before the password is replaced,
  so the new password is checked against it (R-PWD-5).
-->
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('nationalId'); section>
<!-- template: login-national-id.ftl (screening) -->
    <#if section = "header">
        ${msg("screeningNationalIdTitle")}
    <#elseif section = "form">
        <p id="screening-national-id-why" class="pf-v5-u-mb-md">${msg("screeningNationalIdWhy")}</p>
        <form id="kc-national-id-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <@field.input name="nationalId" label=msg("screeningNationalIdLabel") required=true autocomplete="off" autofocus=true />
            <@buttons.actionGroup>
                <@buttons.button id="kc-submit" label="doSubmit" />
            </@buttons.actionGroup>
        </form>
    </#if>
</@layout.registrationLayout>
