<#import "template.ftl" as layout>
<#-- Reset mail (R-LCK-2, R-LCK-3, R-LCK-4): zh-Hant first, English beside. {3} is the validity in the mail's
     language (Keycloak's formatter); {5} says it in English for the English text beside it. -->
<#assign validityEn = (linkExpiration % 60 == 0)?then(msg("screeningLinkHoursEn", linkExpiration / 60), msg("screeningLinkMinutesEn", linkExpiration))>
<@layout.emailLayout>
${kcSanitize(msg("screeningPasswordResetBodyHtml", link, linkExpiration, realmName, linkExpirationFormatter(linkExpiration), user.username, validityEn))?no_esc}
</@layout.emailLayout>
