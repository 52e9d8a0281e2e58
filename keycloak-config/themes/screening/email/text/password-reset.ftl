<#ftl output_format="plainText">
${msg("screeningPasswordResetBody", link, linkExpiration, realmName, linkExpirationFormatter(linkExpiration), user.username)}
