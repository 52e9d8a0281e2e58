package tw.gov.hpa.screening.keycloak.lockout;

import org.keycloak.models.SingleUseObjectProvider;

/**
 * The accounts' turns in Keycloak's single-use object store: the store Keycloak itself uses so
 * that an authorization code or an action token is used once across the cluster. Its
 * {@code putIfAbsent} is atomic cluster-wide (a replicated Infinispan cache on the production
 * shape, a local one on the developer stack), and each entry has a lifespan: a node that dies
 * holding a turn frees it after the lease.
 */
final class ClusterTurnStore implements GuessTurns.Store {

    static final String PREFIX = "screening-guess-turn:";

    private final SingleUseObjectProvider objects;
    private final long leaseSeconds;

    ClusterTurnStore(SingleUseObjectProvider objects, long leaseSeconds) {
        this.objects = objects;
        this.leaseSeconds = leaseSeconds;
    }

    @Override
    public boolean tryTake(String key) {
        return objects.putIfAbsent(PREFIX + key, leaseSeconds);
    }

    @Override
    public void give(String key) {
        objects.remove(PREFIX + key);
    }
}
