package tw.gov.hpa.screening.keycloak.lockout;

import jakarta.ws.rs.core.UriInfo;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.common.ClientConnection;
import org.keycloak.common.util.Time;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserLoginFailureModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.managers.DefaultBruteForceProtector;
import org.keycloak.utils.KeycloakSessionUtil;

/**
 * Keycloak's brute-force protector, with one password evaluation per account at a time across the
 * cluster (R-LCK-1, decision 0135). Everything else (the count, the lock, its events) is Keycloak's
 * own {@link DefaultBruteForceProtector}.
 *
 * <p>Keycloak asks "is this account locked?" right before it looks at a password
 * ({@code AbstractUsernameFormAuthenticator.validatePassword}). During a sign-in that question
 * first takes the account's turn ({@link GuessTurns}), waiting behind the guesses already in line,
 * and answers it afresh from the cluster's failure count; the turn is given back when the
 * request ends. Keycloak records a failure on its own thread after the answer has gone out; here it
 * is recorded before, in its own transaction, so the next guess's fresh answer includes it.
 */
public final class OneGuessAtATimeProtector extends DefaultBruteForceProtector {

    private static final Logger LOG = Logger.getLogger(OneGuessAtATimeProtector.class);
    private static final String TURN = "screening.guessTurn.";

    private final GuessTurns turns;
    private final long leaseSeconds;

    OneGuessAtATimeProtector(KeycloakSessionFactory factory, GuessTurns turns, long leaseSeconds) {
        super(factory);
        this.turns = turns;
        this.leaseSeconds = leaseSeconds;
    }

    @Override
    public boolean isPermanentlyLockedOut(KeycloakSession session, RealmModel realm, UserModel user) {
        SignInTurn turn = turn(session, realm, user);
        if (turn == null) {
            return super.isPermanentlyLockedOut(session, realm, user);
        }
        if (!turn.held()) {
            return false; // no turn: refused as temporarily disabled, below
        }
        return afresh(realm, user, (s, r, u) -> {
            UserLoginFailureModel failures = getUserFailureModel(s, r, u.getId());
            return super.isPermanentlyLockedOut(s, r, u) || failures != null
                    && LockRule.lockedByCount(r.isPermanentLockout(), r.getMaxTemporaryLockouts(),
                            r.getFailureFactor(), failures.getNumFailures());
        });
    }

    @Override
    public boolean isTemporarilyDisabled(KeycloakSession session, RealmModel realm, UserModel user) {
        SignInTurn turn = turn(session, realm, user);
        if (turn == null) {
            return super.isTemporarilyDisabled(session, realm, user);
        }
        if (!turn.held()) {
            return true; // the line was full or the wait ran out: refused unlooked-at, not counted
        }
        return afresh(realm, user, (s, r, u) -> super.isTemporarilyDisabled(s, r, u));
    }

    @Override
    protected void processLogin(RealmModel realm, UserModel user, ClientConnection connection, UriInfo uriInfo,
            boolean success, Set<String> categories) {
        KeycloakSession request = KeycloakSessionUtil.getKeycloakSession();
        String userId = user.getId();
        String address = connection.getRemoteHost();
        try {
            KeycloakModelUtils.runJobInTransaction(factory, request == null ? null : request.getContext(), s -> {
                RealmModel r = s.realms().getRealm(realm.getId());
                s.getContext().setRealm(r);
                if (success) {
                    success(s, r, userId, categories);
                } else {
                    failure(s, r, userId, address, Time.currentTimeMillis(), categories);
                }
            });
        } catch (RuntimeException e) {
            // The password was looked at but the outcome is not on record: the turn is kept until its
            // lease ends rather than let another guess be evaluated against a stale count.
            LOG.errorf(e, "sign-in outcome of user %s not recorded; the account's turn is kept", userId);
            SignInTurn turn = request == null ? null : request.getAttribute(TURN + userId, SignInTurn.class);
            if (turn != null) {
                turn.keep();
            }
        }
    }

    /** This request's turn for the account: null when the request is no sign-in (an admin's view). */
    private SignInTurn turn(KeycloakSession session, RealmModel realm, UserModel user) {
        if (session.getContext().getAuthenticationSession() == null) {
            return null;
        }
        String attribute = TURN + user.getId();
        SignInTurn known = session.getAttribute(attribute, SignInTurn.class);
        if (known != null) {
            return known;
        }
        GuessTurns.Turn taken;
        try {
            taken = turns.take(realm.getId() + ":" + user.getId(),
                    new ClusterTurnStore(session.singleUseObjects(), leaseSeconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            taken = null;
        }
        SignInTurn turn = new SignInTurn(taken);
        session.setAttribute(attribute, turn);
        if (taken != null) {
            session.getTransactionManager().enlistAfterCompletion(turn);
        }
        return turn;
    }

    private interface Check {
        boolean test(KeycloakSession session, RealmModel realm, UserModel user);
    }

    /** Asked in a new session: this request's session may hold the failure record as read before the wait. */
    private boolean afresh(RealmModel realm, UserModel user, Check check) {
        String realmId = realm.getId();
        String userId = user.getId();
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            RealmModel r = s.realms().getRealm(realmId);
            s.getContext().setRealm(r); // the user cache asks the session's realm
            UserModel u = s.users().getUserById(r, userId);
            return u != null && check.test(s, r, u);
        });
    }

    /** A request's turn; given back when the request's transaction ends, unless kept. */
    private static final class SignInTurn extends AbstractKeycloakTransaction {
        private final GuessTurns.Turn turn;
        private volatile boolean kept;

        SignInTurn(GuessTurns.Turn turn) {
            this.turn = turn;
        }

        boolean held() {
            return turn != null;
        }

        void keep() {
            kept = true;
        }

        @Override
        protected void commitImpl() {
            giveBack();
        }

        @Override
        protected void rollbackImpl() {
            giveBack();
        }

        private void giveBack() {
            if (turn != null && !kept) {
                turn.give();
            }
        }
    }
}
