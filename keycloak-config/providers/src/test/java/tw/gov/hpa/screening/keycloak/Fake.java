package tw.gov.hpa.screening.keycloak;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Stand-ins for Keycloak's interfaces in unit tests of pure wiring: a proxy answers the methods it
 * is given and fails on any other, and every call is recorded ("UserModel.setEnabled").
 */
public final class Fake {

    public final List<String> calls = new ArrayList<>();

    public <T> T of(Class<T> type, Map<String, Function<Object[], Object>> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Object[] given = args == null ? new Object[0] : args;
            switch (method.getName()) {
                case "hashCode": return System.identityHashCode(proxy);
                case "equals": return proxy == given[0];
                case "toString": return "Fake " + type.getSimpleName();
                default: break;
            }
            calls.add(type.getSimpleName() + "." + method.getName());
            Function<Object[], Object> answer = answers.get(method.getName());
            if (answer == null) {
                throw new UnsupportedOperationException("not expected: " + type.getSimpleName() + "." + method.getName());
            }
            return answer.apply(given);
        }));
    }

    /** An answer for a void method. */
    public static Function<Object[], Object> does(Runnable action) {
        return args -> {
            action.run();
            return null;
        };
    }
}
