package tw.gov.hpa.screening.keycloak.policy;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.keycloak.models.UserModel;

/** A read-only UserModel for the policy tests: only the getters the policies use. */
final class FakeUser {

    private FakeUser() {
    }

    static UserModel of(Map<String, String> fields, Map<String, List<String>> attributes) {
        return (UserModel) Proxy.newProxyInstance(UserModel.class.getClassLoader(), new Class<?>[] {UserModel.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getUsername": return fields.get("username");
                        case "getEmail": return fields.get("email");
                        case "getFirstName": return fields.get("firstName");
                        case "getLastName": return fields.get("lastName");
                        case "getFirstAttribute": {
                            List<String> v = attributes.get((String) args[0]);
                            return v == null || v.isEmpty() ? null : v.get(0);
                        }
                        case "getAttributeStream": return attributes.getOrDefault((String) args[0], List.of()).stream();
                        case "hashCode": return System.identityHashCode(proxy);
                        case "equals": return proxy == args[0];
                        case "toString": return "FakeUser" + fields;
                        default: throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    static UserModel wang() {
        return of(Map.of("username", "wangxm01", "email", "hsiaoming.wang@hospital.example.tw",
                        "firstName", "Hsiao-Ming", "lastName", "Wang"),
                Map.of("nationalId", List.of("A123456789"), "birthDate", List.of("1990-03-12"),
                        "phone", List.of("02-2559-1969轉116"), "mobile", List.of("0933-521-864")));
    }
}
