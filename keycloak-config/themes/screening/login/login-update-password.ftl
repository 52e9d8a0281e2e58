<#import "template.ftl" as layout>
<#import "password-commons.ftl" as passwordCommons>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#import "password-validation.ftl" as validator>
<#--
  keycloak.v2's login-update-password.ftl (Keycloak 26.7.3), extended with:
  - the agency's password rules spelled out (R-PWD-3, R-PWD-4, R-PWD-5);
  - the strength meter (R-PWD-4): 弱 / 中 / 強 while typing, and whether the realm's whole
    password policy accepts the password, with the reason if not: computed by the server
    (POST /realms/{realm}/password-strength/score) by Keycloak's policy manager, the code that
    decides on submit, so the meter and the verdict on submit never disagree.
-->
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('password','password-confirm'); section>
<!-- template: login-update-password.ftl (screening) -->
    <#if section = "header">
        ${msg("updatePasswordTitle")}
    <#elseif section = "form">
        <div id="screening-password-rules" class="pf-v5-c-helper-text pf-v5-u-mb-md">
            <p class="pf-v5-u-font-weight-bold">${msg("screeningPasswordRulesTitle")}</p>
            <ul class="pf-v5-c-list">
                <li>${msg("screeningPasswordRuleLength")}</li>
                <li>${msg("screeningPasswordRuleClasses")}</li>
                <li>${msg("screeningPasswordRuleSymbols")}</li>
                <li>${msg("screeningPasswordRuleStrength")}</li>
                <li>${msg("screeningPasswordRulePersonalData")}</li>
                <li>${msg("screeningPasswordRuleAge")}</li>
            </ul>
        </div>
        <form id="kc-passwd-update-form" class="${properties.kcFormClass!}" onsubmit="login.disabled = true; return true;" action="${url.loginAction}" method="post" novalidate="novalidate">
            <@field.password name="password-new" label=msg("passwordNew") fieldName="password" autocomplete="new-password" autofocus=true>
                <#-- A column of its own (not a flex row of the helper text), so the verdict is one line. -->
                <div class="${properties.kcInputHelperTextItemClass}" id="password-strength" aria-live="polite"
                     style="display:block; width:100%;"
                     data-endpoint="${url.loginAction?keep_before('/login-actions/')}/password-strength/score"
                     data-action="${url.loginAction}"
                     data-label-weak="${msg('passwordStrengthWeak')}"
                     data-label-medium="${msg('passwordStrengthMedium')}"
                     data-label-strong="${msg('passwordStrengthStrong')}"
                     data-label-accepted="${msg('passwordStrengthAccepted')}"
                     data-label-refused="${msg('passwordStrengthRefused')}"
                     data-label-unavailable="${msg('passwordStrengthUnavailable')}">
                    <#-- One line for the verdict (it must not wrap into a column); the reason on its own. -->
                    <span class="${properties.kcInputHelperTextItemTextClass}" id="password-strength-line" style="display:block; white-space:nowrap;">
                        ${msg("passwordStrengthLabel")}
                        <strong id="password-strength-level" data-level="">&mdash;</strong>
                        <span id="password-strength-verdict"></span>
                    </span>
                    <span id="password-strength-reason" class="${properties.kcInputHelperTextItemTextClass}" style="display:block;"></span>
                    <div aria-hidden="true" style="display:flex; gap:4px; margin-top:4px; width:100%;">
                        <span class="password-strength-bar" style="flex:1; height:6px; border-radius:3px; background:#d2d2d2;"></span>
                        <span class="password-strength-bar" style="flex:1; height:6px; border-radius:3px; background:#d2d2d2;"></span>
                        <span class="password-strength-bar" style="flex:1; height:6px; border-radius:3px; background:#d2d2d2;"></span>
                    </div>
                </div>
            </@field.password>
            <@field.password name="password-confirm" label=msg("passwordConfirm") autocomplete="new-password" />

            <div class="${properties.kcFormGroupClass!}">
                <@passwordCommons.logoutOtherSessions/>
            </div>

            <@buttons.actionGroup horizontal=true>
                <#if isAppInitiatedAction??>
                    <@buttons.button id="kc-submit" name="login" label="doSubmit"/>
                    <@buttons.button id="kc-cancel" label="doCancel" name="cancel-aia" type="secondary"/>
                <#else>
                    <@buttons.button id="kc-submit" name="login" label="doSubmit"/>
                </#if>
            </@buttons.actionGroup>
        </form>

        <@validator.templates/>
        <@validator.script field="password-new"/>
        <script type="module" src="${url.resourcesPath}/js/strength-meter.js"></script>
    </#if>
</@layout.registrationLayout>
