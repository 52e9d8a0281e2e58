<#import "template.ftl" as layout>
<#-- Reset mail (R-LCK-2, R-LCK-3, R-LCK-4): zh-Hant first, English beside; the link is valid for {3} (one hour in the realm). -->
<@layout.emailLayout>
${kcSanitize(msg("screeningPasswordResetBodyHtml", link, linkExpiration, realmName, linkExpirationFormatter(linkExpiration), user.username))?no_esc}
</@layout.emailLayout>
