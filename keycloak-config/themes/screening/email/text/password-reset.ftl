<#ftl output_format="plainText">
<#-- {5}: the validity in English for the English text beside the zh-Hant (see html/password-reset.ftl). -->
<#assign validityEn = (linkExpiration % 60 == 0)?then(msg("screeningLinkHoursEn", linkExpiration / 60), msg("screeningLinkMinutesEn", linkExpiration))>
${msg("screeningPasswordResetBody", link, linkExpiration, realmName, linkExpirationFormatter(linkExpiration), user.username, validityEn)}
