package tw.gov.hpa.screening.keycloak.links;

/**
 * R-LCK-4 「變更密碼通知信裡的連結網址，有效期限僅 1 小時」, whoever sends the mail: a link is too old
 * once the realm's lifetime has passed since it was issued, whatever lifetime the sender asked for
 * (the console's set-password dialog lets a manager pick 12 hours or a day).
 */
public final class LinkAge {

    private LinkAge() {
    }

    /** True when the link issued at {@code issuedAt} (seconds) is older than {@code lifetimeSeconds} at {@code now}. */
    public static boolean tooOld(Long issuedAt, long now, int lifetimeSeconds) {
        return issuedAt == null || lifetimeSeconds <= 0 || now - issuedAt > lifetimeSeconds;
    }
}
