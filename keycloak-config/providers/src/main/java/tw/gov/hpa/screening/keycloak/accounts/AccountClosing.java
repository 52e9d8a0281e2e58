package tw.gov.hpa.screening.keycloak.accounts;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.keycloak.models.UserModel;

/**
 * A closed account (R-ACC-2, decision 0126): disabled, and marked with the Taiwanese date it closed
 * and a short key saying why ({@code last-grant-ended}, ...), so the sign-in page can tell its holder
 * what happened and a later grant can open it again. Only an account closed for the same reason is
 * opened: one disabled by hand carries no mark, and a permanent lockout ({@code disabledReason})
 * keeps the account disabled until its reset, whatever is opened here.
 */
public final class AccountClosing {

    public static final String CLOSED_AT = "screening.closedAt";
    public static final String CLOSED_BECAUSE = "screening.closedBecause";
    static final String LOCKOUT_REASON = "disabledReason";
    private static final Pattern REASON = Pattern.compile("[a-z][a-z-]{0,39}");

    private AccountClosing() {
    }

    /** Disable and mark; false when the account is closed already (the first reason stays). */
    public static boolean close(UserModel user, String closedAt, String because) {
        requireDate(closedAt);
        requireReason(because);
        if (user.getFirstAttribute(CLOSED_AT) != null) {
            return false;
        }
        user.setEnabled(false);
        user.setSingleAttribute(CLOSED_AT, closedAt);
        user.setSingleAttribute(CLOSED_BECAUSE, because);
        return true;
    }

    /** Remove the marks of a closing for {@code because} and enable; false when it was not closed for it. */
    public static boolean reopen(UserModel user, String because) {
        requireReason(because);
        if (!because.equals(user.getFirstAttribute(CLOSED_BECAUSE))) {
            return false;
        }
        user.removeAttribute(CLOSED_AT);
        user.removeAttribute(CLOSED_BECAUSE);
        if (user.getFirstAttribute(LOCKOUT_REASON) == null) {
            user.setEnabled(true);
        }
        return true;
    }

    static void requireDate(String value) {
        try {
            LocalDate.parse(value == null ? "" : value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("closedAt must be an ISO date (YYYY-MM-DD)");
        }
    }

    static void requireReason(String value) {
        if (value == null || !REASON.matcher(value).matches()) {
            throw new IllegalArgumentException("because must be a short key of lower-case letters and dashes");
        }
    }
}
