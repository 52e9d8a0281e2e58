<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#--
  Forgot password (R-LCK-2): account AND e-mail AND an image captcha, all three required.
  Rendered by the screening-reset-choose-user step, which supplies captchaImage (a PNG data URI
  drawn on the server), resetUsername and resetEmail (what the person typed, on a re-display).
  Whatever is typed, the next page is the same "you should receive an e-mail" notice.
-->
<@layout.registrationLayout displayInfo=true displayMessage=!messagesPerField.existsError('username','email','captcha'); section>
    <#if section = "header">
        ${msg("emailForgotTitle")}
    <#elseif section = "form">
        <form id="kc-reset-password-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <@field.input name="username" label=msg("screeningResetUsernameLabel") value=(resetUsername!auth.attemptedUsername!'') autocomplete="username" required=true autofocus=true />
            <@field.input name="email" label=msg("screeningResetEmailLabel") value=(resetEmail!'') autocomplete="email" required=true />

            <@field.group name="captcha" label=msg("screeningCaptchaLabel") error=messagesPerField.get('captcha') required=true>
                <#if captchaImage??>
                    <div class="pf-v5-u-mb-sm">
                        <img id="captcha-image" src="${captchaImage}" width="200" height="64" alt="${msg('screeningCaptchaAlt')}" style="border:1px solid var(--pf-v5-global--BorderColor--100, #d2d2d2); border-radius:3px; vertical-align:middle;"/>
                        <#-- A new challenge, what was typed kept: the form is sent with captchaNewImage
                             (resources/js/captcha-refresh.js) and the step answers with a new image and
                             the same account and e-mail. A button of type "button", so Enter still sends the
                             form; without script, the link opens the step afresh. -->
                        <a id="captcha-refresh" href="${url.loginResetCredentialsUrl}" class="pf-v5-u-ml-sm">${msg("screeningCaptchaRefresh")}</a>
                    </div>
                </#if>
                <span class="${properties.kcInputClass} <#if messagesPerField.existsError('captcha')>${properties.kcError}</#if>">
                    <input id="captcha" name="captcha" type="text" value="" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="12"
                           aria-describedby="captcha-help captcha-alternative" aria-invalid="<#if messagesPerField.existsError('captcha')>true</#if>"/>
                </span>
                <div class="${properties.kcFormHelperTextClass}">
                    <div class="${properties.kcInputHelperTextClass}">
                        <div class="${properties.kcInputHelperTextItemClass}">
                            <span id="captcha-help" class="${properties.kcInputHelperTextItemTextClass}">${msg("screeningCaptchaHelp")}</span>
                        </div>
                        <div class="${properties.kcInputHelperTextItemClass}">
                            <span id="captcha-alternative" class="${properties.kcInputHelperTextItemTextClass}">${msg("screeningCaptchaAlternative")}</span>
                        </div>
                    </div>
                </div>
            </@field.group>

            <@buttons.actionGroup>
              <@buttons.button id="kc-form-buttons" label="doSubmit"/>
              <@buttons.buttonLink href=url.loginUrl label="backToLogin"/>
            </@buttons.actionGroup>
        </form>
        <script type="module" src="${url.resourcesPath}/js/captcha-refresh.js"></script>
    <#elseif section = "info" >
        <span class="${properties.kcLoginMainFooterHelperText!}">
            ${msg("screeningResetInstruction")}
        </span>
    </#if>
</@layout.registrationLayout>
