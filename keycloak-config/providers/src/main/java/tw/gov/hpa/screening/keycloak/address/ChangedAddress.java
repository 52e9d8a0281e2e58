package tw.gov.hpa.screening.keycloak.address;

import java.util.Locale;
import org.keycloak.models.UserModel;

/**
 * An e-mail address a manager gave a person is the person's only once the person has confirmed it
 * (R-CONF-2, issue 18 item 7, decision 0123). Until then no mail of Keycloak's goes to it - a
 * set-password link sent there would hand the account to whoever reads that mailbox - except the
 * verification mail the person asks for while signed in with their own password.
 *
 * <p>The person carries the address waiting for confirmation in {@value #MARK} (an unmanaged
 * attribute administrators can see but not write); it waits while it is still the person's
 * address and the address is not verified. Pure: the callers hand it what Keycloak stored.
 */
public final class ChangedAddress {

    /** The address a manager gave, waiting for the person's confirmation. */
    public static final String MARK = "screening.addressToConfirm";

    /** Why a mail was not sent: what the manager reads in the console, what a script reads in the API. */
    public static final String WITHHELD = "此人的電子郵件地址由機構管理者變更，尚未經本人確認（R-CONF-2）。"
            + "本人以自己的密碼登入並確認新地址後，系統才會寄信到這個地址；無法登入者，請洽國民健康署。"
            + " An institution manager changed this person's e-mail address and the person has"
            + " not confirmed it yet (R-CONF-2). Mail goes to the new address once the person signs in with their"
            + " own password and confirms it; a person who cannot sign in calls the agency (HPA).";

    /** What an administrator's update of a person does to the address waiting for confirmation. */
    public enum Outcome {
        /** A manager gave a new address: the person confirms it (unverified, VERIFY_EMAIL, marked). */
        AWAIT_CONFIRMATION,
        /** The person still has to confirm: a manager's update (the "verified" switch) cannot say otherwise. */
        KEEP_AWAITING,
        /** The agency gave the address, or the person confirmed it: nothing waits any more. */
        FORGET,
        NOTHING
    }

    private ChangedAddress() {
    }

    /**
     * @param byManagerAlone the caller's rights are fine-grained permissions only (an institution manager)
     * @param addressChanges the update gives another address than the stored one
     * @param awaiting       the stored person waits for confirmation ({@link #awaits})
     * @param marked         the stored person carries {@value #MARK}
     * @param verified       the stored address is verified
     */
    public static Outcome onAdminUpdate(boolean byManagerAlone, boolean addressChanges, boolean awaiting,
            boolean marked, boolean verified) {
        if (byManagerAlone && addressChanges) {
            return Outcome.AWAIT_CONFIRMATION;
        }
        if (byManagerAlone && awaiting) {
            return Outcome.KEEP_AWAITING;
        }
        if (marked && (addressChanges || verified)) {
            return Outcome.FORGET;
        }
        return Outcome.NOTHING;
    }

    /** Does the person still have to confirm their address? */
    public static boolean awaits(String mark, String email, boolean verified) {
        return !verified && mark != null && email != null && normal(mark).equals(normal(email));
    }

    public static boolean awaits(UserModel user) {
        return user != null && awaits(user.getFirstAttribute(MARK), user.getEmail(), user.isEmailVerified());
    }

    /**
     * Is the old address told of a manager's change? Yes when there was one and it was not itself
     * waiting for confirmation (banks tell the old address; it is the one the person last confirmed
     * or that the agency gave).
     */
    public static boolean tellsOldAddress(Outcome outcome, String oldAddress, boolean oldAwaiting) {
        return outcome == Outcome.AWAIT_CONFIRMATION && oldAddress != null && !oldAddress.isBlank() && !oldAwaiting;
    }

    /** Is the value given another address than the stored one? (Case and blanks aside.) */
    public static boolean changes(String stored, String given) {
        String a = stored == null || stored.isBlank() ? "" : normal(stored);
        String b = given == null || given.isBlank() ? "" : normal(given);
        return !a.equals(b);
    }

    static String normal(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}
