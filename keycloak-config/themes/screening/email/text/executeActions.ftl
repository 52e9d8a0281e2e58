<#ftl output_format="plainText">
<#--
  The set-up mail a manager sends a new user from the console (issue 21 point 5): the account, its
  grants in words (institution, category, level; GrantsInMails), the address of the screening system,
  what the link asks and how long it lasts (Keycloak's linkExpiration: the link's true lifetime).
  zh-Hant first, English beside it, as the reset mail.
-->
<#assign validityEn = (linkExpiration % 60 == 0)?then(msg("screeningLinkHoursEn", linkExpiration / 60), msg("screeningLinkMinutesEn", linkExpiration))>
<#assign actions><#if requiredActions??><#list requiredActions as a>${msg("requiredAction.${a}")}<#sep>、</#list></#if></#assign>
<#assign actionsEn><#if requiredActions??><#list requiredActions as a>${msg("screeningActionEn.${a}")}<#sep>, </#list></#if></#assign>
<#assign grants><#list screeningGrants![] as g>  ・${g.institution}（${g.institutionCode}） ${g.categoryZh} ${g.levelZh}
</#list></#assign>
<#assign grantsEn><#list screeningGrants![] as g>  - ${g.institution} (${g.institutionCode}), ${g.categoryEn}, ${g.levelEn}
</#list></#assign>
${msg("screeningSetUpBody", link, linkExpirationFormatter(linkExpiration), user.username, grants, screeningSystemUrl!"", actions, validityEn, actionsEn, grantsEn)}
