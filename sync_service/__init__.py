"""The sync service: HPA's decisions on account applications become access in Keycloak."""
