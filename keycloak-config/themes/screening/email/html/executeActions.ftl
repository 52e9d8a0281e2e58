<#import "template.ftl" as layout>
<#-- The set-up mail (see text/executeActions.ftl); {…} as there. A captured <#assign> is HTML markup
     here (the HTML output format): ?markup_string hands msg() its text, not "markupOutput(...)". -->
<#assign validityEn = (linkExpiration % 60 == 0)?then(msg("screeningLinkHoursEn", linkExpiration / 60), msg("screeningLinkMinutesEn", linkExpiration))>
<#assign actions><#if requiredActions??><#list requiredActions as a>${msg("requiredAction.${a}")}<#sep>、</#list></#if></#assign>
<#assign actionsEn><#if requiredActions??><#list requiredActions as a>${msg("screeningActionEn.${a}")}<#sep>, </#list></#if></#assign>
<#assign grants><#list screeningGrants![] as g><li>${g.institution}（${g.institutionCode}） ${g.categoryZh} ${g.levelZh}</li></#list></#assign>
<#assign grantsEn><#list screeningGrants![] as g><li>${g.institution} (${g.institutionCode}), ${g.categoryEn}, ${g.levelEn}</li></#list></#assign>
<@layout.emailLayout>
${kcSanitize(msg("screeningSetUpBodyHtml", link, linkExpirationFormatter(linkExpiration), user.username, grants?markup_string, screeningSystemUrl!"", actions?markup_string, validityEn, actionsEn?markup_string, grantsEn?markup_string))?no_esc}
</@layout.emailLayout>
